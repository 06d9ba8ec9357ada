// A hedge over real HTTP against the simulator: while Opus is failing (its
// breaker has seen consecutive errors) and its next answer is late, the hedge
// goes to Sonnet on a fresh connection, Sonnet's answer is the one the caller
// gets, and the late Opus attempt is aborted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK, OPUS, rig, scenario, SONNET } from './harness';

test('a late first token on a failing route is hedged on the next route, which answers', { timeout: 30_000 }, async () => {
  // Learning first: a few quick answers teach Opus's first-token time (the hedge threshold is its 250 ms floor).
  const r = await rig(scenario({}), { idleTimeoutMs: 20_000 });
  try {
    for (let i = 0; i < 6; i++) assert.ok((await r.manager.send(ASK)).ok);
    // Opus now fails twice (5xx, retried) and then answers only after 5 s; Sonnet is quick.
    r.sim.setScenario(scenario({ [OPUS]: { sequence: ['500', '500', 'ok'], ttftMs: 5_000 } }));
    r.sim.reset();
    r.events.length = 0;
    const started = Date.now();
    const outcome = await r.manager.send(ASK);
    const tookMs = Date.now() - started;
    assert.ok(outcome.ok, 'answered');
    assert.equal(outcome.model, SONNET, 'by the hedge on the next route');
    assert.ok(tookMs < 4_000, `without waiting for the late first token (${tookMs} ms)`);
    const hedge = r.events.find((e) => e.type === 'stall' && e.action === 'hedge');
    assert.ok(hedge?.type === 'stall' && hedge.model === OPUS && hedge.to?.model === SONNET);
    const models = r.sim.stats().requests.map((q) => q.model);
    assert.deepEqual(models, [OPUS, OPUS, OPUS, SONNET], 'two failures and the late attempt on Opus, one hedge on Sonnet');
    assert.ok(outcome.attempts.some((a) => a.model === OPUS && a.errorType === 'hedge_lost'), 'the late Opus attempt lost and was aborted');
  } finally {
    await r.close();
  }
});
