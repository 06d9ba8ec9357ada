// Every fault of the taxonomy against the simulator, over real HTTP through the
// real SDK: the outcome's class, how many attempts the server saw, and that the
// request ids reported are exactly those the server issued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { ASK, HAIKU, OPUS, SONNET, modelCount, rig, scenario, simRequestIds } from './harness';

const answer = canonicalAnswer(ASK.messages[0]!.content);

test('a 529 burst recovers on the same route', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['529', '529', 'ok'] } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.equal(outcome.ok, true);
    assert.ok(outcome.ok && outcome.model === OPUS);
    assert.equal(outcome.ok && outcome.text, answer);
    assert.equal(r.sim.stats().total, 3);
    assert.deepEqual(outcome.attempts.map((a) => a.requestId), simRequestIds(r.sim));
    assert.deepEqual(outcome.attempts.map((a) => a.errorClass), ['overloaded', 'overloaded', null]);
    const waits = r.events.filter((e) => e.type === 'wait');
    assert.deepEqual(waits.map((w) => w.type === 'wait' && w.nextAttempt), [2, 3]);
  } finally {
    await r.close();
  }
});

test('sustained 529 on the primary falls back and opens its breaker', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { p529: 1 } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(outcome.ok);
    assert.equal(outcome.model, SONNET);
    assert.equal(modelCount(r.sim, OPUS), 3, 'three tries on the primary');
    assert.equal(modelCount(r.sim, SONNET), 1);
    assert.ok(r.events.some((e) => e.type === 'fallback' && e.from.model === OPUS && e.to.model === SONNET && e.reason === 'overloaded'));
    assert.ok(r.events.some((e) => e.type === 'breaker' && e.model === OPUS && e.to === 'open'));
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'open');
    // The next request skips the open primary without touching it.
    const next = await r.manager.send(ASK);
    assert.ok(next.ok && next.model === SONNET);
    assert.equal(modelCount(r.sim, OPUS), 3);
    assert.ok(r.events.some((e) => e.type === 'fallback' && e.reason === 'breaker_open'));
  } finally {
    await r.close();
  }
});

test('429 with retry-after waits at least that long, then succeeds', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['429', 'ok'], retryAfterS: 1 } }));
  try {
    const started = Date.now();
    const outcome = await r.manager.send(ASK);
    const elapsed = Date.now() - started;
    assert.ok(outcome.ok && outcome.model === OPUS);
    assert.ok(elapsed >= 1000, `waited ${elapsed} ms`);
    assert.equal(r.sim.stats().total, 2);
    const wait = r.events.find((e) => e.type === 'wait');
    assert.ok(wait && wait.type === 'wait' && wait.delayMs === 1000 && wait.reason === 'rate_limited');
  } finally {
    await r.close();
  }
});

test('a spend-limit 429 fails at once with spend_limit', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['spend', 'ok'] } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.error.class === 'spend_limit');
    assert.equal(r.sim.stats().total, 1);
    assert.deepEqual(!outcome.ok && outcome.error.requestIds, simRequestIds(r.sim));
  } finally {
    await r.close();
  }
});

for (const fault of ['500', '502', '503', '504', 'html502', 'reset'] as const) {
  test(`${fault} is transient and retried on the same route`, { timeout: 20_000 }, async () => {
    const r = await rig(scenario({ [OPUS]: { sequence: [fault, 'ok'] } }));
    try {
      const outcome = await r.manager.send(ASK);
      assert.ok(outcome.ok && outcome.model === OPUS && outcome.text === answer);
      assert.equal(outcome.attempts[0]?.errorClass, 'transient');
      assert.equal(r.sim.stats().total, 2);
      const seen = outcome.attempts.map((a) => a.requestId);
      const issued = simRequestIds(r.sim);
      if (fault === 'reset') {
        // The socket died before any header: the client never saw that id.
        assert.deepEqual(seen, [null, issued[1]]);
      } else {
        assert.deepEqual(seen, issued);
      }
    } finally {
      await r.close();
    }
  });
}

test('headers then silence is a timeout, retried on a fresh connection', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['stall', 'ok'] } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(outcome.ok && outcome.text === answer);
    assert.equal(outcome.attempts[0]?.errorClass, 'timeout');
    assert.equal(outcome.attempts[0]?.errorType, 'stall');
    assert.equal(r.sim.stats().total, 2);
    assert.deepEqual(outcome.attempts.map((a) => a.requestId), simRequestIds(r.sim));
  } finally {
    await r.close();
  }
});

test('401 fails after exactly one attempt with auth', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['401'] } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(!outcome.ok && outcome.error.class === 'auth');
    assert.equal(r.sim.stats().total, 1);
    assert.deepEqual(!outcome.ok && outcome.error.requestIds, simRequestIds(r.sim));
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state ?? 'closed', 'closed');
  } finally {
    await r.close();
  }
});

test('an unknown model (404) is skipped with a warning and remembered', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { unknown: true } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(outcome.ok && outcome.model === SONNET);
    assert.equal(modelCount(r.sim, OPUS), 1);
    assert.ok(r.events.some((e) => e.type === 'warning' && e.code === 'unknown_model' && e.model === OPUS));
    assert.ok(r.events.some((e) => e.type === 'fallback' && e.reason === 'unknown_model'));
    await r.manager.send(ASK);
    assert.equal(modelCount(r.sim, OPUS), 1, 'not asked again');
  } finally {
    await r.close();
  }
});

test('a model the caller named (namedModel) that the API does not know: the API\'s 404 ends the request, no fallback, nothing remembered', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { unknown: true } }));
  try {
    for (let i = 0; i < 2; i += 1) {
      const outcome = await r.manager.send(ASK, { namedModel: true });
      assert.ok(!outcome.ok, 'not answered by another model');
      assert.equal(outcome.error.class, 'bad_request');
      assert.equal(outcome.error.apiMessage, `model: ${OPUS}`);
      assert.deepEqual(outcome.attempts.map((a) => [a.model, a.status]), [[OPUS, 404]]);
    }
    assert.equal(modelCount(r.sim, SONNET), 0);
    const unnamed = await r.manager.send(ASK);
    assert.ok(unnamed.ok && unnamed.model === SONNET, 'without a named model, the chain goes on as before');
  } finally {
    await r.close();
  }
});

test('413 is not retried', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['413', 'ok'] } }));
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(!outcome.ok && outcome.error.class === 'bad_request');
    assert.equal(r.sim.stats().total, 1);
  } finally {
    await r.close();
  }
});

test('when every route keeps failing the request fails with the last class and every id', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}, { p503: 1 }), { retry: { maxAttempts: 5 } as never });
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(!outcome.ok && outcome.error.class === 'transient');
    assert.equal(r.sim.stats().total, 5);
    assert.deepEqual(!outcome.ok && outcome.error.requestIds, simRequestIds(r.sim));
    assert.deepEqual([modelCount(r.sim, OPUS), modelCount(r.sim, SONNET), modelCount(r.sim, HAIKU)], [3, 2, 0]);
  } finally {
    await r.close();
  }
});

test('cancel during backoff stops at once with no further attempt', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['529', 'ok'] } }), {
    retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } as never,
    random: () => 0.9,
  });
  try {
    const controller = new AbortController();
    r.manager.onEvent((e) => {
      if (e.type === 'wait') controller.abort();
    });
    const started = Date.now();
    const outcome = await r.manager.send(ASK, { signal: controller.signal });
    assert.ok(!outcome.ok && outcome.error.class === 'canceled');
    assert.ok(Date.now() - started < 9_000, 'did not sit out the backoff');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(r.sim.stats().total, 1);
  } finally {
    await r.close();
  }
});

test('the deadline bounds the whole request, stalls included', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}, { pStall: 1 }), { retry: { deadlineMs: 500 } as never });
  try {
    const started = Date.now();
    const outcome = await r.manager.send(ASK);
    assert.ok(!outcome.ok && outcome.error.class === 'timeout');
    assert.match(!outcome.ok ? outcome.error.message : '', /No answer within 500 ms/);
    assert.ok(Date.now() - started < 5_000);
    assert.ok(r.sim.stats().total <= 2);
    assert.equal(outcome.attempts.at(-1)?.errorType, 'deadline');
  } finally {
    await r.close();
  }
});

test('a deprecated model in the chain earns one warning', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}), { models: ['claude-sonnet-4-5', HAIKU] });
  try {
    await r.manager.send(ASK);
    await r.manager.send(ASK);
    const warnings = r.events.filter((e) => e.type === 'warning' && e.code === 'deprecated_model');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.type === 'warning' ? warnings[0]!.message : '', /retires on 2026-11-30/);
  } finally {
    await r.close();
  }
});

test('no response headers in time is a timeout, and the request moves on', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { latencyMs: 1500 } }), { headersTimeoutMs: 200 });
  try {
    const outcome = await r.manager.send(ASK);
    assert.ok(outcome.ok && outcome.model === SONNET);
    assert.deepEqual(outcome.attempts.map((a) => [a.model, a.errorClass, a.errorType]), [
      [OPUS, 'timeout', 'headers_timeout'],
      [OPUS, 'timeout', 'headers_timeout'],
      [SONNET, null, null],
    ]);
    assert.equal(modelCount(r.sim, OPUS), 2, 'one retry on a fresh connection, then the next model');
  } finally {
    await r.close();
  }
});

test('when several requests hit 529 on the primary at once, only the first backs off there; the others fall back at once', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { p529: 1, latencyMs: 150 } }), {
    retry: { baseDelayMs: 1_000, maxDelayMs: 1_000 } as never,
    random: () => 0.99,
  });
  try {
    const outcomes = await Promise.all([r.manager.send(ASK), r.manager.send(ASK), r.manager.send(ASK)]);
    for (const outcome of outcomes) assert.ok(outcome.ok && outcome.model === SONNET && outcome.text === answer);
    const waits = r.events.filter((e) => e.type === 'wait' && e.model === OPUS);
    assert.equal(waits.length, 1, 'a failure seen by other requests too is route-wide trouble, not a lone burst');
    assert.equal(modelCount(r.sim, OPUS), 3, 'one try each; the breaker opened on the third');
    assert.equal(r.manager.breakers().find((b) => b.model === OPUS)?.state, 'open');
  } finally {
    await r.close();
  }
});
