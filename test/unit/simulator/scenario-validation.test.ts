import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScenarioError, validateScenario } from '../../../src/simulator/index';

function fieldOf(value: unknown): string {
  try {
    validateScenario(value);
  } catch (err) {
    assert.ok(err instanceof ScenarioError, String(err));
    return err.field;
  }
  return assert.fail('expected a ScenarioError');
}

describe('scenario validation', { timeout: 10_000 }, () => {
  it('accepts a full scenario and keeps its values', () => {
    const scenario = validateScenario({
      name: 'x',
      description: 'd',
      seed: 3,
      defaults: { latencyMs: 5, outputTokens: 4, rateLimit: { requestsPerMinute: 10, retryAfterS: 2 } },
      models: { 'claude-opus-5-5': { p529: 0.5, sequence: ['529', 'ok'], deprecated: true } },
      phases: [{ atMs: 0 }, { atMs: 10, models: { m: { pStall: 1 } }, statusPage: { indicator: 'minor' } }],
      statusPage: { indicator: 'major', components: [{ name: 'API', status: 'major_outage' }], incidents: [{ name: 'i', status: 'resolved' }] },
    });
    assert.equal(scenario.models?.['claude-opus-5-5']?.p529, 0.5);
    assert.deepEqual(scenario.models?.['claude-opus-5-5']?.sequence, ['529', 'ok']);
  });

  it('names the bad field for each kind of mistake', () => {
    assert.equal(fieldOf({ models: { 'claude-opus-5-5': { p529: 2 } } }), 'models.claude-opus-5-5.p529');
    assert.equal(fieldOf({ models: { 'claude-opus-5-5': { p529: '0.3' } } }), 'models.claude-opus-5-5.p529');
    assert.equal(fieldOf({ defaults: { latencyMs: -1 } }), 'defaults.latencyMs');
    assert.equal(fieldOf({ defaults: { outputTokens: 1.5 } }), 'defaults.outputTokens');
    assert.equal(fieldOf({ defaults: { tokensPerSecond: 0 } }), 'defaults.tokensPerSecond');
    assert.equal(fieldOf({ defaults: { rateLimit: { requestsPerMinute: 0 } } }), 'defaults.rateLimit.requestsPerMinute');
    assert.equal(fieldOf({ defaults: { rateLimit: { rpm: 5 } } }), 'defaults.rateLimit.rpm');
    assert.equal(fieldOf({ defaults: { rateLimit: { requestsPerMinute: 5, keys: [] } } }), 'defaults.rateLimit.keys');
    assert.equal(fieldOf({ defaults: { rateLimit: { requestsPerMinute: 5, keys: ['a', 3] } } }), 'defaults.rateLimit.keys');
    assert.equal(fieldOf({ defaults: { midStreamErrorType: 'oops' } }), 'defaults.midStreamErrorType');
    assert.equal(fieldOf({ defaults: { unknown: 'yes' } }), 'defaults.unknown');
    assert.equal(fieldOf({ seed: -4 }), 'seed');
    assert.equal(fieldOf({ phases: [{ atMs: 10 }, { atMs: 5 }] }), 'phases[1].atMs');
    assert.equal(fieldOf({ phases: [{ atMs: 0, models: { m: { p429: 9 } } }] }), 'phases[0].models.m.p429');
    assert.equal(fieldOf({ statusPage: { indicator: 'red' } }), 'statusPage.indicator');
    assert.equal(fieldOf({ statusPage: { incidents: [{ name: 'a', status: 'bad' }] } }), 'statusPage.incidents[0].status');
    assert.equal(fieldOf({ modles: {} }), 'modles');
    assert.equal(fieldOf({ models: { m: { sequence: ['ok', 'nope'] } } }), 'models.m.sequence[1]');
  });

  it('gives a message that says what is expected', () => {
    assert.throws(
      () => validateScenario({ models: { 'claude-opus-5-5': { p529: 1.2 } } }),
      { message: 'models.claude-opus-5-5.p529: must be a number between 0 and 1' },
    );
    assert.throws(() => validateScenario([]), { message: 'must be an object' });
  });
});
