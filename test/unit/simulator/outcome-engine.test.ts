import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OutcomeEngine } from '../../../src/simulator/outcome-engine';
import { validateScenario } from '../../../src/simulator/index';
import type { Outcome } from '../../../src/simulator/index';

function outcomes(engine: OutcomeEngine, model: string, count: number, now = Date.now()): Outcome[] {
  const out: Outcome[] = [];
  for (let i = 0; i < count; i++) out.push(engine.decide(model, now).outcome);
  return out;
}

describe('outcome engine', { timeout: 10_000 }, () => {
  it('plays a sequence, then falls back to probabilities', () => {
    const engine = new OutcomeEngine(validateScenario({ models: { m: { sequence: ['529', 'reset', 'ok', 'stall'] } } }));
    assert.deepEqual(outcomes(engine, 'm', 6), ['529', 'reset', 'ok', 'stall', 'ok', 'ok']);
    assert.deepEqual(outcomes(engine, 'other', 2), ['ok', 'ok']);
  });

  it('sequences in defaults run once per model', () => {
    const engine = new OutcomeEngine(validateScenario({ defaults: { sequence: ['500'] } }));
    assert.deepEqual([...outcomes(engine, 'a', 2), ...outcomes(engine, 'b', 2)], ['500', 'ok', '500', 'ok']);
  });

  it('is deterministic for a seed, per model, regardless of other models', () => {
    const scenario = validateScenario({ seed: 9, defaults: { p529: 0.3, p500: 0.1 } });
    const alone = new OutcomeEngine(scenario);
    const first = outcomes(alone, 'opus', 50);
    const interleaved = new OutcomeEngine(scenario);
    const second: Outcome[] = [];
    for (let i = 0; i < 50; i++) {
      interleaved.decide('sonnet');
      second.push(interleaved.decide('opus').outcome);
    }
    assert.deepEqual(second, first);
    alone.reset();
    assert.deepEqual(outcomes(alone, 'opus', 50), first);
  });

  it('draws probabilities close to the configured rate', () => {
    const engine = new OutcomeEngine(validateScenario({ seed: 5, models: { m: { p529: 0.3 } } }));
    const rate = outcomes(engine, 'm', 4000).filter((o) => o === '529').length / 4000;
    assert.ok(rate > 0.27 && rate < 0.33, `rate ${rate}`);
  });

  it('unknown models are 404 and phases switch behaviour with time', () => {
    const engine = new OutcomeEngine(
      validateScenario({ models: { gone: { unknown: true } }, phases: [{ atMs: 0, defaults: { p503: 1 } }, { atMs: 1000 }] }),
    );
    const start = engine.scenarioStartedAt;
    assert.equal(engine.decide('gone', start).outcome, '404');
    assert.equal(engine.decide('m', start + 10).outcome, '503');
    assert.equal(engine.decide('m', start + 1000).outcome, 'ok');
  });

  it('capacity counts requests in flight', () => {
    const engine = new OutcomeEngine(validateScenario({ defaults: { capacity: 1 } }));
    const leaveFirst = engine.enter('m');
    assert.equal(engine.decide('m').outcome, 'ok');
    const leaveSecond = engine.enter('m');
    assert.equal(engine.decide('m').outcome, '529');
    leaveSecond();
    leaveFirst();
    engine.enter('m');
    assert.equal(engine.decide('m').outcome, 'ok');
  });

  it('the request-rate limit frees up after a minute and reports the time until then', () => {
    const engine = new OutcomeEngine(validateScenario({ defaults: { rateLimit: { requestsPerMinute: 2 } } }));
    const t = engine.scenarioStartedAt;
    assert.deepEqual(outcomes(engine, 'm', 2, t), ['ok', 'ok']);
    const limited = engine.decide('m', t + 15_000);
    assert.equal(limited.outcome, '429');
    assert.equal(limited.retryAfterS, 45);
    assert.equal(limited.requestsPerMinute, 2);
    assert.equal(engine.decide('m', t + 60_001).outcome, 'ok');
  });

  it('a limit per key counts each named key in its own window and leaves other keys unlimited', () => {
    const engine = new OutcomeEngine(validateScenario({ defaults: { rateLimit: { requestsPerMinute: 1, keys: ['key-a', 'key-c'] } } }));
    const t = engine.scenarioStartedAt;
    assert.equal(engine.decide('m', t, 'key-a').outcome, 'ok');
    assert.equal(engine.decide('m', t + 1, 'key-a').outcome, '429', "A's minute is spent");
    assert.equal(engine.decide('m', t + 2, 'key-c').outcome, 'ok', "C has a window of its own");
    for (let i = 0; i < 5; i++) assert.equal(engine.decide('m', t + 3, 'key-b').outcome, 'ok', 'B is not limited');
    assert.equal(engine.decide('m', t + 4).outcome, 'ok', 'nor a request without a key');
    assert.equal(engine.requestWindow('m', t + 5, 'key-a').count, 1);
    assert.equal(engine.requestWindow('m', t + 5, 'key-b').count, 0);
    assert.equal(engine.decide('m', t + 60_001, 'key-a').outcome, 'ok', 'and it frees up after a minute');
  });

  it('timeScale scales scenario durations and phase times, not retry-after', () => {
    const scenario = validateScenario({
      defaults: { latencyMs: 100, ttftMs: 3000, ttftPerInputTokenMs: 1, ttftMaxMs: 12000, pingIntervalMs: 5000, pauseMs: 40, tokensPerSecond: 200, retryAfterS: 5 },
      phases: [{ atMs: 20_000, defaults: { p529: 1 } }],
    });
    const engine = new OutcomeEngine(scenario, 0.01);
    const start = engine.scenarioStartedAt;
    const behavior = engine.behaviorFor('m', start);
    assert.deepEqual(
      [behavior.latencyMs, behavior.ttftMs, behavior.ttftPerInputTokenMs, behavior.ttftMaxMs, behavior.pingIntervalMs, behavior.pauseMs, behavior.tokensPerSecond, behavior.retryAfterS],
      [1, 30, 0.01, 120, 50, 0.4, 20000, 5],
    );
    assert.equal(engine.activePhase(start + 199), undefined);
    assert.equal(engine.activePhase(start + 200)?.atMs, 20_000);
    assert.equal(engine.decide('m', start + 250).outcome, '529');
    assert.throws(() => new OutcomeEngine(scenario, 0), RangeError);
  });
});
