// A finished answer gives its connection back: when the body's last bytes come apart from
// message_stop (as a real server's final chunk can), the manager reads the body to its end in
// the background instead of cutting it, so the next request reuses the connection. A server
// that keeps the body open after message_stop still ends the answer there, and its connection
// is cut after a short grace rather than left open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createRequestManager } from '../../../src/core/requestManager';
import { BODY_END_GRACE_MS } from '../../../src/core/bodyEnd';
import { startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, scenario, TEST_KEY, testConfig } from './harness';

const REQUESTS = 10;

test('answers whose body ends apart from message_stop reuse one connection', { timeout: 60_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const sim = await startSimulator({ scenario: scenario({ [OPUS]: { endAfterStopMs: 15 } }), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    for (let i = 0; i < REQUESTS; i++) {
      const outcome = await manager.send(ASK);
      assert.ok(outcome.ok && !outcome.incomplete, JSON.stringify(outcome));
      assert.equal(outcome.attempts.length, 1);
      // A user's pace: the next question comes after the body has had time to end.
      await delay(60);
    }
    const { opened } = sim.connections();
    // Cutting each body at message_stop opened one connection per request.
    assert.ok(opened <= 3, `${opened} connections for ${REQUESTS} requests`);
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('a body kept open after message_stop: the answer ends at once, the connection is cut after the grace', { timeout: 60_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const sim = await startSimulator({ scenario: scenario({ [OPUS]: { keepOpenAfterStop: true } }), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const started = Date.now();
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok && !outcome.incomplete, JSON.stringify(outcome));
    assert.ok(Date.now() - started < BODY_END_GRACE_MS, 'the answer does not wait for the body to end');
    const limit = Date.now() + BODY_END_GRACE_MS + 20_000;
    while (sim.connections().open > 0 && Date.now() < limit) await delay(50);
    assert.equal(sim.connections().open, 0, 'the held-open connection is cut');
    assert.equal(sim.stats().total, 1);
  } finally {
    manager.dispose();
    await sim.close();
  }
});
