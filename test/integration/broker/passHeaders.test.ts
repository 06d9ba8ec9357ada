// The caller's anthropic-beta and anthropic-version reach the API through the shared broker as they
// do in process: `node dist/cli.js messages --broker --beta X --beta Y --anthropic-version V` runs
// on a broker process (started by the command) and the simulator, behind a recording proxy, sees
// both headers on the request; a broker client that falls back to its in-process manager keeps
// them too. Needs `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import { createRequestManager } from '../../../src/core/requestManager';
import { recordedSimulator } from '../../support/recordedSimulator';
import type { RecordedSimulator } from '../../support/recordedSimulator';
import type { RecordingProxy } from '../../support/recordingProxy';
import { runCli } from '../../support/cliRun';
import { ASK, OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { brokerPids, requireBuild, runtimeDirs } from './brokerKit';

const BODY = { model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'Which betas did you get?' }] };
const BETAS = ['web-fetch-2025-09-10', 'context-management-2025-06-27'];
/** Not the SDK's default, so the test tells the caller's version from the SDK's own. */
const VERSION = '2023-01-01';

let upstream: RecordedSimulator | undefined;
let proxy: RecordingProxy;

before(async () => {
  requireBuild();
  upstream = await recordedSimulator(scenario({}), TEST_KEY);
  ({ proxy } = upstream);
});

after(async () => {
  await upstream?.close();
});

function messagesSeen(from: number): RecordingProxy['seen'] {
  return proxy.seen.slice(from).filter((s) => s.path.startsWith('/v1/messages'));
}

describe('pass-through headers on the shared broker', { timeout: 120_000 }, () => {
  const { fresh, cleanUpAll } = runtimeDirs();
  after(cleanUpAll);

  for (const mode of ['--json', '--stream'] as const) {
    test(`messages --broker ${mode} --beta X --beta Y --anthropic-version V: the API receives both headers`, async () => {
      const dir = fresh();
      const from = proxy.seen.length;
      const betas = BETAS.flatMap((name) => ['--beta', name]);
      const run = await runCli(['messages', '--broker', mode, '--base-url', proxy.url, ...betas, '--anthropic-version', VERSION], JSON.stringify(BODY), TEST_KEY, {
        RESILIENT_CLAUDE_RUNTIME_DIR: dir,
        RESILIENT_CLAUDE_BROKER_IDLE_MS: '20000',
      });
      assert.equal(run.code, 0, run.err);
      assert.doesNotMatch(run.err, /run in this process/, 'the request ran on the broker, not in the command');
      assert.equal(brokerPids(dir).length, 1, 'a broker process served the command');
      const seen = messagesSeen(from);
      assert.equal(seen.length, 1, 'one request reached the API');
      assert.equal(seen[0]!.headers['anthropic-beta'], BETAS.join(','));
      assert.equal(seen[0]!.headers['anthropic-version'], VERSION);
      assert.equal(seen[0]!.body['model'], OPUS);
    });
  }

  test('a broker client whose broker cannot be reached keeps the headers on its in-process manager', async () => {
    const from = proxy.seen.length;
    const manager = new SharedManager({
      config: testConfig(proxy.url),
      historyFile: null,
      reconnect: false,
      createLocal: (config) => createRequestManager(config),
      log: () => undefined,
      connect: () => Promise.reject(new Error('no broker here')),
    });
    try {
      const outcome = await manager.send({ ...ASK, model: OPUS }, { headers: { 'anthropic-beta': BETAS.join(','), 'anthropic-version': VERSION } });
      assert.equal(outcome.ok, true);
      assert.equal(manager.sharing.mode, 'local');
      const seen = messagesSeen(from);
      assert.equal(seen.length, 1);
      assert.equal(seen[0]!.headers['anthropic-beta'], BETAS.join(','));
      assert.equal(seen[0]!.headers['anthropic-version'], VERSION);
    } finally {
      manager.dispose();
    }
  });
});
