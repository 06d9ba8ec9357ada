// The CLI as a client of the user's broker (`ask --broker`): a SharedManager that connects to the
// broker, starting one (dist/broker.js, next to dist/cli.js) when none runs, and falls back to an
// in-process manager when that fails or the broker dies mid-request. No background reconnect:
// the next command connects afresh.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ManagerConfig } from '../core/contract';
import { createRequestManager } from '../core/requestManager';
import { connectOrStartBroker } from '../broker/client/connect';
import { openJsonRpcChannel } from '../broker/client/jsonRpcChannel';
import { SharedManager } from '../broker/client/sharedManager';
import { spawnBroker } from '../broker/client/spawnBroker';
import { runtimeDirPath } from '../broker/runtimeDir';

/** dist/broker.js beside the running bundle, or the built one when run from the sources. */
function brokerScript(): string {
  const beside = path.join(__dirname, 'broker.js');
  return existsSync(beside) ? beside : path.resolve(__dirname, '..', '..', 'dist', 'broker.js');
}

export function createBrokerClient(
  config: ManagerConfig,
  options: { env: Readonly<Record<string, string | undefined>>; historyFile: string | null; log: (line: string) => void },
): SharedManager {
  const runtimeDir = runtimeDirPath(options.env);
  return new SharedManager({
    config,
    historyFile: options.historyFile,
    reconnect: false,
    createLocal: (c) => createRequestManager(c),
    log: (level, message) => {
      if (level === 'warn') options.log(`Broker: ${message}`);
    },
    connect: async () => {
      const socket = await connectOrStartBroker({
        runtimeDir,
        start: () => spawnBroker({ script: brokerScript(), runtimeDir, env: options.env }),
      });
      return openJsonRpcChannel(socket, 'cli', 'resilient-claude-cli');
    },
  });
}
