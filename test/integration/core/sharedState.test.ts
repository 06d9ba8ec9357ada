// State shared across requests: the half-open breaker admits one probe at a
// time, the retry budget caps retries in a storm, and rate-limit headers pace
// new attempts away from an exhausted route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HAIKU, OPUS, SONNET, ASK, modelCount, rig, scenario, testConfig } from './harness';

test('a half-open breaker admits exactly one probe; the others fall back meanwhile', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { p529: 1 } }), { breaker: { openMs: 1000, maxOpenMs: 4000 } as never });
  try {
    await r.manager.send(ASK);
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'open');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    r.sim.setScenario(scenario({ [OPUS]: { latencyMs: 300 } }));
    r.sim.reset();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => r.manager.send(ASK)));
    assert.ok(outcomes.every((o) => o.ok));
    assert.equal(modelCount(r.sim, OPUS), 1, 'one probe only');
    assert.equal(modelCount(r.sim, SONNET), 4);
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'closed');
    const transitions = r.events.filter((e) => e.type === 'breaker' && e.model === OPUS).map((e) => e.type === 'breaker' && e.to);
    assert.deepEqual(transitions, ['open', 'half_open', 'closed']);
  } finally {
    await r.close();
  }
});

test('the retry budget caps retries during a storm and says so', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { p529: 1 } }), {
    models: [OPUS],
    budget: { ratio: 0, minRetries: 2, windowMs: 60_000 },
    breaker: { failureThreshold: 1000, openMs: 1000, maxOpenMs: 1000 },
  });
  try {
    for (let i = 0; i < 5; i++) {
      const outcome = await r.manager.send(ASK);
      assert.ok(!outcome.ok && outcome.error.class === 'overloaded');
    }
    assert.equal(r.sim.stats().total, 5 + 2, 'five first tries and the two retries the budget allows');
    assert.ok(r.events.some((e) => e.type === 'warning' && e.code === 'budget_exhausted'));
  } finally {
    await r.close();
  }
});

test('requests-remaining 0 moves new requests to the next model until the reset', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { rateLimit: { requestsPerMinute: 2, retryAfterS: 30 } } }), { retry: { retryAfterCapMs: 2_000 } as never });
  try {
    const first = await r.manager.send(ASK);
    const second = await r.manager.send(ASK);
    const third = await r.manager.send(ASK);
    assert.ok(first.ok && first.model === OPUS);
    assert.ok(second.ok && second.model === OPUS);
    assert.ok(third.ok && third.model === SONNET);
    assert.equal(modelCount(r.sim, OPUS), 2, 'the exhausted route was not asked to fail');
    assert.equal(modelCount(r.sim, HAIKU), 0);
    assert.ok(r.events.some((e) => e.type === 'fallback' && e.from.model === OPUS && e.reason === 'rate_limited'));
  } finally {
    await r.close();
  }
});

test('updateConfig keeps breaker state; resetBreakers clears it; dispose cancels what is in flight', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { p529: 1 } }));
  try {
    await r.manager.send(ASK);
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'open');
    r.manager.updateConfig({ ...testConfig(r.sim.url), concurrency: 2 });
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'open', 'kept across a settings change');
    r.sim.setScenario(scenario({ [OPUS]: { tokensPerSecond: 10, outputTokens: 100 } }));
    r.manager.resetBreakers({ provider: 'anthropic', model: OPUS });
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'closed');
    const stream = r.manager.stream(ASK);
    for await (const delta of stream) {
      assert.ok(delta.length > 0);
      r.manager.dispose();
    }
    const outcome = await stream.outcome;
    assert.ok(!outcome.ok && outcome.error.class === 'canceled');
    const after = await r.manager.send(ASK);
    assert.ok(!after.ok && after.error.class === 'canceled', 'a disposed manager sends nothing');
  } finally {
    await r.close();
  }
});
