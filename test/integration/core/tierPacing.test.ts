// Proactive pacing over real HTTP: concurrent requests through one manager never go over a
// model's request limit (counted in flight, not read from a stale `remaining`); past it they move
// to the next model at once, and with no model left they fail at once, saying until when.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { HAIKU, OPUS, rig, scenario } from './harness';

const ask = (i: number) => ({ messages: [{ role: 'user' as const, content: `tier question ${i}` }], max_tokens: 64 });

function overLimit(r: Awaited<ReturnType<typeof rig>>): number {
  return r.sim.stats().requests.filter((q) => q.overLimit === true).length;
}

test('concurrent requests fill the primary to its share, then go to the fallback, with no 429', { timeout: 60_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { rateLimit: { requestsPerMinute: 10, retryAfterS: 30 } } }), { models: [OPUS, HAIKU] });
  try {
    // The first answer teaches the manager the limit; then 29 questions at once.
    assert.ok((await r.manager.send(ask(0), { priority: 'interactive' })).ok);
    const outcomes = await Promise.all(Array.from({ length: 29 }, (_, k) => r.manager.send(ask(k + 1), { priority: 'interactive' })));
    outcomes.forEach((o, k) => assert.equal(o.ok && o.text, canonicalAnswer(`tier question ${k + 1}`)));
    assert.equal(overLimit(r), 0, 'no request sent over the limit');
    // 80% of the tier at once; the reserve is spaced over the minute, so the burst's rest goes to the fallback.
    assert.equal(r.sim.stats().byModel[OPUS]?.total, 8);
    assert.equal(outcomes.filter((o) => o.ok && o.model === HAIKU).length, 22);
  } finally {
    await r.close();
  }
});

test('with no model left in the tier a request fails at once, rate-limited until the reset', { timeout: 60_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { rateLimit: { requestsPerMinute: 3 } } }), { models: [OPUS] });
  try {
    assert.ok((await r.manager.send(ask(0), { priority: 'interactive' })).ok);
    const started = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 4 }, (_, k) => r.manager.send(ask(k + 1), { priority: 'interactive' })));
    assert.equal(outcomes.filter((o) => o.ok).length, 2, 'the two requests left in the tier are answered');
    const failed = outcomes.filter((o) => !o.ok);
    assert.equal(failed.length, 2);
    for (const o of failed) {
      assert.equal(!o.ok && o.error.class, 'rate_limited');
      assert.match(!o.ok ? o.error.message : '', /rate-limited until \d\d:\d\d:\d\d/);
      assert.equal(o.attempts.length, 0, 'not sent to fail');
    }
    assert.ok(Date.now() - started < 15_000, 'a reset a minute away is not waited for');
    assert.equal(overLimit(r), 0);
    assert.equal(r.sim.stats().total, 3, 'nothing sent past the limit');
    const hold = r.events.find((e) => e.type === 'hold' && e.model === OPUS);
    assert.ok(hold && hold.type === 'hold' && hold.until !== null && hold.until > Date.now() + 40_000, 'the model is shown held until its reset');
  } finally {
    await r.close();
  }
});
