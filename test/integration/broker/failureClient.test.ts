// The client's label crosses the broker: a window's request made for a Claude Code session (the
// editor's local endpoint passes its user-agent's label) runs on the shared broker, whose history
// file — the one every window shows — names the client on each failed attempt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import { createFileHistoryStorage } from '../../../src/core/history/fileHistoryStorage';
import { createHistory } from '../../../src/core/history/createHistory';
import type { FailureRecord } from '../../../src/core/history/historyTypes';
import { createRequestManager } from '../../../src/core/requestManager';
import type { RequestEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, SONNET, TEST_KEY, scenario, testConfig } from '../core/harness';
import { cleanUp, inProcessBroker } from './brokerKit';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;
let scratch: string;

before(async () => {
  await import('@anthropic-ai/sdk');
  sim = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  ({ dir, broker } = await inProcessBroker());
  scratch = mkdtempSync(path.join(tmpdir(), 'rc-history-'));
});

after(async () => {
  await broker.stop('test over');
  await sim.close();
  await cleanUp(dir);
  rmSync(scratch, { recursive: true, force: true });
});

async function failuresInFile(file: string): Promise<FailureRecord[]> {
  const history = createHistory({ storage: createFileHistoryStorage(file) });
  await history.load();
  const failures = history.failures();
  await history.dispose();
  return failures;
}

test('a request labelled "Claude Code 2.1.3" on the shared broker: its events and the broker\'s history file name the client', { timeout: 60_000 }, async () => {
  const file = path.join(scratch, 'history.json');
  const manager = new SharedManager({
    config: testConfig(sim.url, { models: [OPUS, SONNET] }),
    historyFile: file,
    reconnect: false,
    createLocal: (c) => createRequestManager(c),
    log: () => undefined,
    connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', 'failure-client test'),
  });
  try {
    await manager.whenReady();
    assert.equal(manager.sharing.mode, 'shared');
    const own: RequestEvent[] = [];
    const outcome = await manager.send(ASK, { client: 'Claude Code 2.1.3', onEvent: (event) => own.push(event) });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.model, SONNET);
    const attempts = own.filter((e) => e.type === 'attempt');
    assert.ok(attempts.length >= 2, 'the primary failed, then the fallback answered');
    assert.ok(attempts.every((e) => e.type === 'attempt' && e.client === 'Claude Code 2.1.3'), JSON.stringify(attempts));
    // The broker saves its histories about a second after a change.
    let failures: FailureRecord[] = [];
    for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
      failures = await failuresInFile(file).catch(() => []);
      if (failures.length > 0) break;
    }
    assert.ok(failures.length >= 1, 'the broker saved the failed attempts');
    assert.ok(failures.every((f) => f.model === OPUS && f.client === 'Claude Code 2.1.3'), JSON.stringify(failures));
  } finally {
    manager.dispose();
  }
});
