// A broker that stops answering (SIGSTOP: its socket still accepts, nothing is ever read) never
// hangs its clients: `ask --broker` ends with its answer from the in-process manager whether the
// broker froze before the handshake or in the middle of an answer, and a window's client says so
// once and keeps answering in-process. Bounds are generous for a loaded machine; without the
// limits each of these waits until the test kills it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import { spawnBroker } from '../../../src/broker/client/spawnBroker';
import { createRequestManager } from '../../../src/core/requestManager';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { REPO, ask, brokerEnv, brokerPids, eventually, json, pidFile, requireBuild, runtimeDirs, startAsk } from './brokerKit';
import * as path from 'node:path';

const PROMPT = 'what happens when the broker freezes';
/** The request's deadline; the whole command must end well within DEADLINE + BOUND. */
const DEADLINE_MS = 2_500;
const BOUND_MS = 12_000;
/**
 * Mid-answer the in-process manager streams the rest (about 2 s at the simulator's pace) under the
 * request's own deadline, so that deadline must leave room for it on a loaded machine; the bound
 * that matters is the time from the freeze to the end.
 */
const MID_ANSWER_DEADLINE_MS = 15_000;

function freeze(pid: number): void {
  process.kill(pid, 'SIGSTOP');
}

before(async () => {
  requireBuild();
  // The in-process manager loads the SDK on first use; load it before a short deadline's clock starts.
  await import('@anthropic-ai/sdk');
});

describe('a frozen broker', { timeout: 120_000 }, () => {
  const { fresh, cleanUpAll } = runtimeDirs();
  after(cleanUpAll);

  test(`frozen before a client connects: ask --broker --deadline-ms ${DEADLINE_MS} answers in-process within a bound`, async (t) => {
    const dir = fresh();
    const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
    try {
      const env = brokerEnv(dir);
      const args = ['--broker', '--json', '--deadline-ms', String(DEADLINE_MS), '--base-url', sim.url, PROMPT];
      const first = json(await ask(args, env));
      assert.equal(first.broker?.mode, 'shared', 'a broker served the first request');
      const pid = first.broker?.pid;
      assert.ok(pid !== undefined && pid > 0);
      freeze(pid);

      const started = Date.now();
      const result = await ask(args, env, 60_000);
      const elapsed = Date.now() - started;
      t.diagnostic(`frozen before: ask ended after ${elapsed} ms`);
      const second = json(result);
      assert.equal(second.ok, true, result.stderr);
      assert.equal(second.text, canonicalAnswer(PROMPT, 12));
      assert.equal(second.broker?.mode, 'local', 'the frozen broker was left for the in-process manager');
      assert.ok(elapsed < DEADLINE_MS + BOUND_MS, `ended after ${elapsed} ms`);
      assert.deepEqual(brokerPids(dir), [pid], 'no second broker was started beside the frozen one');
    } finally {
      await sim.close();
    }
  });

  test('frozen in the middle of an answer: the answer is finished in-process, whole and once, within a bound', async (t) => {
    const dir = fresh();
    // About 2 s of streaming: the broker freezes with part of the answer delivered.
    const sim = await startSimulator({ scenario: scenario({}, { tokensPerSecond: 30, outputTokens: 60 }), apiKey: TEST_KEY });
    try {
      const env = brokerEnv(dir);
      const started = Date.now();
      const streaming = startAsk(['--broker', '--stream', '--deadline-ms', String(MID_ANSWER_DEADLINE_MS), '--base-url', sim.url, PROMPT], env, 60_000);
      assert.ok(await eventually(() => streaming.stdout().length >= 10, 20_000), 'the answer started streaming');
      const pid = pidFile(dir);
      assert.ok(pid !== null && pid > 0, 'the broker wrote its pid');
      freeze(pid);
      const frozenAt = Date.now();
      const partialAtFreeze = streaming.stdout();
      const result = await streaming.done;
      const elapsed = Date.now() - started;
      t.diagnostic(`frozen mid-answer: ask ended ${Date.now() - frozenAt} ms after the freeze, ${elapsed} ms after it started`);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${canonicalAnswer(PROMPT, 60)}\n`);
      assert.ok(partialAtFreeze.length < canonicalAnswer(PROMPT, 60).length, 'the broker froze before the answer was complete');
      assert.match(result.stderr, /shared broker stopped answering during request/);
      // Found frozen within the liveness timeout (3 s, a ping every 1.5 s), then about 2 s of answer.
      assert.ok(Date.now() - frozenAt < BOUND_MS, `ended ${Date.now() - frozenAt} ms after the freeze`);
    } finally {
      await sim.close();
    }
  });

  test("a window's client leaves a frozen broker once, keeps answering in-process, and leaves without waiting on it", async () => {
    const dir = fresh();
    const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
    const warnings: string[] = [];
    const window = new SharedManager({
      config: { ...testConfig(sim.url), models: [OPUS], retry: { ...testConfig(sim.url).retry, deadlineMs: DEADLINE_MS } },
      historyFile: null,
      reconnect: true,
      createLocal: (c) => createRequestManager(c),
      log: (level, message) => void (level === 'warn' && warnings.push(message)),
      connect: async () =>
        openJsonRpcChannel(
          await connectOrStartBroker({ runtimeDir: dir, start: () => spawnBroker({ script: path.join(REPO, 'dist', 'broker.js'), runtimeDir: dir, env: brokerEnv(dir) }) }),
          'window',
          'frozen-test-window',
        ),
    });
    try {
      await window.whenReady();
      const sharing = window.sharing;
      assert.equal(sharing.mode, 'shared');
      freeze(sharing.mode === 'shared' ? sharing.brokerPid : 0);

      const request = { messages: [{ role: 'user' as const, content: PROMPT }], max_tokens: 64 };
      const started = Date.now();
      const first = await window.send(request);
      assert.equal(first.ok, true, JSON.stringify(first));
      assert.ok(Date.now() - started < DEADLINE_MS + BOUND_MS, `the first request ended after ${Date.now() - started} ms`);
      assert.equal(window.sharing.mode, 'local');
      // Later requests run here at once, also while the client tries the frozen broker again.
      for (let i = 0; i < 3; i++) {
        const next = await window.send(request);
        assert.equal(next.ok, true);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const told = warnings.filter((w) => w.startsWith('Requests run in this process'));
      assert.equal(told.length, 1, `told once: ${JSON.stringify(warnings)}`);
      assert.match(told[0] ?? '', /stopped answering/);
    } finally {
      const leaving = Date.now();
      window.dispose();
      assert.ok(Date.now() - leaving < 1_000, 'dispose does not wait on the broker');
      await sim.close();
    }
  });
});
