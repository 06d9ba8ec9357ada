// Starts a broker detached from its client, with the client's own Node (in VS Code, the
// extension host's `process.execPath` with ELECTRON_RUN_AS_NODE=1). Its log is appended to
// broker.log in the runtime folder. It inherits no credential: only the variables
// brokerEnvironment.ts keeps.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import { brokerEnvironment } from '../brokerEnvironment';
import { RUNTIME_DIR_ENV } from '../runtimeDir';

export interface SpawnOptions {
  /** The broker's script (dist/broker.js), or dist/cli.js with `args: ['broker']`. */
  readonly script: string;
  readonly args?: readonly string[];
  readonly runtimeDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export function spawnBroker(options: SpawnOptions): void {
  const logFile = path.join(options.runtimeDir, 'broker.log');
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [options.script, ...(options.args ?? [])], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: options.runtimeDir,
      env: { ...brokerEnvironment(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1', [RUNTIME_DIR_ENV]: options.runtimeDir },
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.unref();
  } finally {
    closeSync(fd);
  }
}
