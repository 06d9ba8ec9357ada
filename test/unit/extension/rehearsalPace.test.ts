// Rehearsals at a human pace (issue 23): a person asks every few seconds, so flaky-network and
// rate-limit-storm script a fault into each question instead of relying on benchmark-sized rates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atHumanPace } from '../../../src/extension/rehearsalPace';
import { castScenario } from '../../../src/extension/rehearsalRoles';
import { OutcomeEngine } from '../../../src/simulator/outcome-engine';
import { loadScenario } from '../../../src/simulator/index';

test("flaky-network at a human pace: each question's first attempt meets a fault, its retry is answered", { timeout: 5000 }, () => {
  const engine = new OutcomeEngine(castScenario(atHumanPace(loadScenario('flaky-network'), 'flaky-network'), ['claude-opus-5-5']));
  const seen = Array.from({ length: 6 }, () => engine.decide('claude-opus-5-5').outcome);
  assert.deepEqual(seen, ['reset', 'ok', 'html502', 'ok', '502', 'ok']);
  // The shipped file itself (benchmarks) is unchanged.
  assert.equal(loadScenario('flaky-network').defaults?.sequence, undefined);
});

test("rate-limit-storm at a human pace: the primary's second request gets a 429, and 3 a minute is its limit", { timeout: 5000 }, () => {
  const cast = castScenario(atHumanPace(loadScenario('rate-limit-storm'), 'rate-limit-storm'), ['claude-haiku-5-5', 'claude-sonnet-5-5']);
  assert.match(cast.description ?? '', /the primary model allows 3 requests\/min/);
  const engine = new OutcomeEngine(cast);
  assert.deepEqual([engine.decide('claude-haiku-5-5').outcome, engine.decide('claude-haiku-5-5').outcome], ['ok', '429']);
  assert.equal(cast.models?.['claude-haiku-5-5']?.rateLimit?.requestsPerMinute, 3);
});

test('scenarios that already show at a human pace are played as shipped', { timeout: 5000 }, () => {
  for (const name of ['primary-outage', 'brownout', 'healthy']) assert.deepEqual(atHumanPace(loadScenario(name), name), loadScenario(name));
});
