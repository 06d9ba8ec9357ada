// The `ask` command against the simulator: exit status, the --json shape, and
// the human-readable failure with its request ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAsk } from '../../../src/cli/ask';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, SONNET, TEST_KEY, scenario, simRequestIds } from './harness';
import { captureIo } from './cliCapture';

async function withSim(s: Parameters<typeof scenario>[0], fn: (sim: RunningSimulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ scenario: scenario(s), apiKey: TEST_KEY });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const PROMPT = 'what is a circuit breaker';

test('ask --json prints one object with the answer and every attempt', { timeout: 20_000 }, async () => {
  await withSim({ [OPUS]: { sequence: ['529', '529', '529'] } }, async (sim) => {
    const c = captureIo();
    const code = await runAsk(['--base-url', sim.url, '--json', PROMPT], c.io);
    assert.equal(code, 0);
    const lines = c.out().trim().split('\n');
    assert.equal(lines.length, 1);
    const result = JSON.parse(lines[0]!);
    assert.equal(result.ok, true);
    assert.equal(result.text, canonicalAnswer(PROMPT));
    assert.equal(result.model, SONNET);
    assert.deepEqual(result.attempts.map((a: { model: string }) => a.model), [OPUS, OPUS, OPUS, SONNET]);
    assert.deepEqual(result.attempts.map((a: { requestId: string }) => a.requestId), simRequestIds(sim));
    assert.deepEqual(Object.keys(result.attempts[0]).sort(), ['clientRequestId', 'errorClass', 'latencyMs', 'model', 'requestId', 'status']);
    assert.equal(c.err(), '');
  });
});

test('ask fails with a clear reason, the request ids and a non-zero status', { timeout: 20_000 }, async () => {
  await withSim({ [OPUS]: { sequence: ['spend'] } }, async (sim) => {
    const c = captureIo();
    const code = await runAsk(['--base-url', sim.url, PROMPT], c.io);
    assert.notEqual(code, 0);
    assert.match(c.err(), /Error \(spend_limit\)/);
    assert.ok(c.err().includes(simRequestIds(sim)[0]!));
    const j = captureIo();
    sim.reset();
    sim.setScenario(scenario({ [OPUS]: { sequence: ['spend'] } }));
    assert.equal(await runAsk(['--base-url', sim.url, '--json', PROMPT], j.io), 1);
    const result = JSON.parse(j.out());
    assert.equal(result.ok, false);
    assert.equal(result.error.class, 'spend_limit');
    assert.deepEqual(result.error.requestIds, simRequestIds(sim));
  });
});

test('ask --stream prints the answer and progress goes to stderr', { timeout: 20_000 }, async () => {
  await withSim({ [OPUS]: { sequence: ['503', 'ok'] } }, async (sim) => {
    const c = captureIo();
    const code = await runAsk(['--base-url', sim.url, '--stream', '--fallback', 'claude-haiku-5-5', PROMPT], c.io);
    assert.equal(code, 0);
    assert.equal(c.out(), `${canonicalAnswer(PROMPT)}\n`);
    assert.match(c.err(), /retrying in .* \(attempt 2\)/);
  });
});

test('ask rejects bad usage with status 2', { timeout: 5_000 }, async () => {
  const c = captureIo();
  assert.equal(await runAsk(['--max-attempts', 'many', 'hi'], c.io), 2);
  assert.match(c.err(), /--max-attempts needs a positive integer/);
  const none = captureIo();
  assert.equal(await runAsk(['--json'], none.io), 2);
  const nokey = captureIo('');
  assert.equal(await runAsk(['hello'], nokey.io), 2);
  assert.match(nokey.err(), /ANTHROPIC_API_KEY is not set/);
});
