import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TAIL, defaultManagerConfig, validateManagerConfig } from '../../../src/core/defaults';

test('the defaults: opus → sonnet → haiku, bounded retries, breaker and budget', { timeout: 5000 }, () => {
  const config = defaultManagerConfig();
  assert.deepEqual(config.models, ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.equal(config.retry.maxAttempts, 6);
  assert.equal(config.retry.deadlineMs, 120_000);
  assert.deepEqual(config.breaker, { failureThreshold: 3, openMs: 2_000, maxOpenMs: 30_000 });
  assert.deepEqual(config.budget, { ratio: 0.2, minRetries: 3, windowMs: 60_000 });
  assert.equal(config.concurrency, 8);
  assert.equal(validateManagerConfig({}).problems.length, 0);
});

test('bad fields are named and fall back to the default; good ones are kept', { timeout: 5000 }, () => {
  const { config, problems } = validateManagerConfig({
    models: ['claude-sonnet-5-5', 42, ''],
    retry: { maxAttempts: -1, deadlineMs: 5000, jitter: 'wild' },
    breaker: 'often',
    concurrency: 2.5,
    providers: [{ id: 'bedrock' }, { id: 'anthropic', baseURL: 'ftp://x' }, { id: 'anthropic', baseURL: 'http://127.0.0.1:9' }],
  });
  assert.deepEqual(config.models, ['claude-sonnet-5-5']);
  assert.equal(config.retry.maxAttempts, 6);
  assert.equal(config.retry.deadlineMs, 5000);
  assert.equal(config.retry.jitter, 'full');
  assert.equal(config.concurrency, 8);
  assert.deepEqual(config.providers, [{ id: 'anthropic', baseURL: 'http://127.0.0.1:9' }]);
  const fields = problems.map((p) => p.field);
  for (const field of ['models[1]', 'models[2]', 'retry.maxAttempts', 'retry.jitter', 'breaker', 'concurrency', 'providers[0]', 'providers[1].baseURL']) {
    assert.ok(fields.includes(field), `expected a problem for ${field}: ${fields.join(', ')}`);
  }
  assert.match(problems.find((p) => p.field === 'providers[0]')!.message, /Bedrock needs a region/);
  assert.match(problems.find((p) => p.field === 'retry.maxAttempts')!.message, /got -1.*using 6/);
});

test('a non-object configuration yields the defaults and one problem', { timeout: 5000 }, () => {
  const { config, problems } = validateManagerConfig('fast please');
  assert.deepEqual(config.models, defaultManagerConfig().models);
  assert.equal(problems.length, 1);
});

test('a Bedrock profile and provider model ids survive validation (the broker validates what crosses the socket)', { timeout: 5000 }, () => {
  const { config, problems } = validateManagerConfig({
    providers: [
      { id: 'bedrock', region: 'us-east-1', awsProfile: ' bedrock-dev ', modelIds: { 'claude-opus-5-5': 'us.anthropic.claude-opus-5-5-v1:0' } },
      { id: 'vertex', projectId: 'team-claude-42', region: 'us-east5', modelIds: { 'claude-opus-5-5': 'claude-opus-5-5@20261101' } },
      { id: 'bedrock', region: 'us-west-2', awsProfile: 7 },
    ],
  });
  assert.equal(config.providers[0]?.awsProfile, 'bedrock-dev');
  assert.deepEqual(config.providers[1]?.modelIds, { 'claude-opus-5-5': 'claude-opus-5-5@20261101' });
  assert.equal(config.providers[2]?.awsProfile, undefined);
  assert.deepEqual(problems.map((p) => p.field), ['providers[2].awsProfile']);
});

test('tail.firstByteFloorMs is validated like the other floors', () => {
  const bad = validateManagerConfig({ tail: { firstByteFloorMs: 5 } });
  assert.equal(bad.config.tail?.firstByteFloorMs, DEFAULT_TAIL.firstByteFloorMs);
  assert.ok(bad.problems.some((p) => p.field === 'tail.firstByteFloorMs'));
  assert.equal(validateManagerConfig({ tail: { firstByteFloorMs: 120 } }).config.tail?.firstByteFloorMs, 120);
});
