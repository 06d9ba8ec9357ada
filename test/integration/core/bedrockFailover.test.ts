// Provider failover to Amazon Bedrock over loopback HTTP: the official Bedrock
// SDK signs with the configured AWS keys, the simulator answers on its Bedrock
// paths (AWS event-stream), and the outcome names every attempt and request id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderConfig } from '../../../src/core/contract';
import { defaultManagerConfig, validateManagerConfig } from '../../../src/core/defaults';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerEvent } from '../../../src/core/types';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { isolateCredentials } from '../../support/credentialEnvironment';
import { ASK, HAIKU, OPUS, SONNET, TEST_KEY, scenario, testConfig } from './harness';

const ACCESS_KEY_ID = 'AKIDRESILIENTTEST001';
const SECRET_ACCESS_KEY = 'bedrock-secret-access-key-never-shown-0123456789';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function bedrockProvider(sim: RunningSimulator, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    id: 'bedrock',
    baseURL: sim.url,
    region: 'us-east-1',
    awsAccessKeyId: () => ACCESS_KEY_ID,
    awsSecretAccessKey: async () => SECRET_ACCESS_KEY,
    ...extra,
  };
}

test('an overloaded Anthropic route fails over to the same model on Bedrock, with every attempt and request id', { timeout: 20_000 }, async () => {
  const anthropic = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  const bedrock = await startSimulator({ scenario: scenario({}), apiKey: ACCESS_KEY_ID });
  const manager = createRequestManager({
    ...testConfig(anthropic.url),
    providers: [{ id: 'anthropic', baseURL: anthropic.url, apiKey: () => TEST_KEY }, bedrockProvider(bedrock)],
  });
  const events: ManagerEvent[] = [];
  manager.onEvent((event) => events.push(event));
  try {
    const deltas: string[] = [];
    const stream = manager.stream(ASK);
    for await (const delta of stream) deltas.push(delta);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.provider, 'bedrock');
    assert.equal(outcome.model, OPUS);
    assert.equal(outcome.text, canonicalAnswer(ASK.messages[0]!.content));
    assert.equal(deltas.join(''), outcome.text);

    const anthropicIds = anthropic.stats().requests.map((r) => r.requestId);
    const [call] = bedrock.stats().requests;
    assert.equal(bedrock.stats().total, 1);
    assert.equal(call?.path, `/model/global.anthropic.${OPUS}/invoke-with-response-stream`);
    assert.equal(call?.apiKeyOk, true, 'signed with the configured access key id');
    assert.match(call?.requestId ?? '', UUID);

    assert.deepEqual(
      outcome.attempts.map((a) => [a.provider, a.model, a.status, a.errorClass]),
      [
        ...anthropicIds.map(() => ['anthropic', OPUS, 529, 'overloaded']),
        ['bedrock', OPUS, 200, null],
      ],
    );
    assert.ok(anthropicIds.length >= 1);
    assert.deepEqual(outcome.attempts.map((a) => a.requestId), [...anthropicIds, call?.requestId]);
    assert.ok(events.some((e) => e.type === 'fallback' && e.from.provider === 'anthropic' && e.to.provider === 'bedrock' && e.to.model === OPUS));
    assert.equal(JSON.stringify([outcome, events]).includes(SECRET_ACCESS_KEY), false, 'the AWS secret never appears');
  } finally {
    manager.dispose();
    await anthropic.close();
    await bedrock.close();
  }
});

test('Bedrock errors are classified like the API’s: throttling waits and retries, a missing model is skipped', { timeout: 20_000 }, async () => {
  const bedrock = await startSimulator({
    scenario: scenario({ [OPUS]: { unknown: true }, [SONNET]: { sequence: ['429', '529', 'ok'] } }),
    apiKey: ACCESS_KEY_ID,
  });
  const manager = createRequestManager({ ...testConfig(bedrock.url), providers: [bedrockProvider(bedrock)] });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.provider, 'bedrock');
    assert.equal(outcome.model, SONNET);
    assert.deepEqual(
      outcome.attempts.map((a) => [a.model, a.status, a.errorClass, a.errorType]),
      [
        [OPUS, 404, 'bad_request', 'not_found_error'],
        [SONNET, 429, 'rate_limited', 'ThrottlingException'],
        [SONNET, 503, 'transient', 'ServiceUnavailableException'],
        [SONNET, 200, null, null],
      ],
    );
    assert.deepEqual(
      outcome.attempts.map((a) => a.requestId),
      bedrock.stats().requests.map((r) => r.requestId),
    );
    assert.ok(outcome.attempts.every((a) => UUID.test(a.requestId ?? '')));
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('configured Bedrock model ids are used on the wire; the outcome keeps the API id', { timeout: 20_000 }, async () => {
  const bedrock = await startSimulator({ scenario: scenario({}), apiKey: ACCESS_KEY_ID });
  const manager = createRequestManager({
    ...testConfig(bedrock.url),
    providers: [bedrockProvider(bedrock, { modelIds: { [OPUS]: `us.anthropic.${OPUS}-v1:0` } })],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok);
    assert.equal(outcome.model, OPUS);
    assert.equal(bedrock.stats().requests[0]?.path, `/model/us.anthropic.${OPUS}-v1:0/invoke-with-response-stream`);
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('a Bedrock stream cut mid-answer is continued on the next attempt without lost or repeated text', { timeout: 20_000 }, async () => {
  const bedrock = await startSimulator({
    scenario: scenario({ [OPUS]: { sequence: ['midstream', 'ok'], midStreamAfterTokens: 4 } }, { outputTokens: 20 }),
    apiKey: ACCESS_KEY_ID,
  });
  const manager = createRequestManager({ ...testConfig(bedrock.url), providers: [bedrockProvider(bedrock)] });
  try {
    const deltas: string[] = [];
    const stream = manager.stream(ASK);
    for await (const delta of stream) deltas.push(delta);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(deltas.join(''), canonicalAnswer(ASK.messages[0]!.content, 20));
    assert.deepEqual(
      outcome.attempts.map((a) => [a.provider, a.errorClass, a.errorType]),
      [
        ['bedrock', 'overloaded', 'overloaded_error'],
        ['bedrock', null, null],
      ],
    );
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('a Bedrock stream throttled mid-answer is classified as rate limited and continued', { timeout: 20_000 }, async () => {
  const bedrock = await startSimulator({
    scenario: scenario({ [OPUS]: { sequence: ['midstream', 'ok'], midStreamAfterTokens: 3, midStreamErrorType: 'rate_limit_error' } }),
    apiKey: ACCESS_KEY_ID,
  });
  const manager = createRequestManager({ ...testConfig(bedrock.url), providers: [bedrockProvider(bedrock)] });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.text, canonicalAnswer(ASK.messages[0]!.content));
    assert.deepEqual(
      outcome.attempts.map((a) => [a.errorClass, a.errorType]),
      [
        ['rate_limited', 'throttlingException'],
        [null, null],
      ],
    );
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('a stalled Bedrock stream is cut by the idle watchdog and retried on a fresh connection', { timeout: 20_000 }, async () => {
  const bedrock = await startSimulator({ scenario: scenario({ [OPUS]: { sequence: ['stall', 'ok'] } }), apiKey: ACCESS_KEY_ID });
  const manager = createRequestManager({ ...testConfig(bedrock.url), providers: [bedrockProvider(bedrock)] });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.text, canonicalAnswer(ASK.messages[0]!.content));
    assert.deepEqual(
      outcome.attempts.map((a) => [a.errorClass, a.errorType]),
      [
        ['timeout', 'stall'],
        [null, null],
      ],
    );
    assert.deepEqual(outcome.attempts.map((a) => a.requestId), bedrock.stats().requests.map((r) => r.requestId));
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('a Bedrock API key is sent instead of signing when configured', { timeout: 10_000 }, async () => {
  const BEDROCK_API_KEY = 'bedrock-api-key-for-tests-0123456789';
  const bedrock = await startSimulator({ scenario: scenario({}), apiKey: BEDROCK_API_KEY });
  const manager = createRequestManager({
    ...testConfig(bedrock.url),
    providers: [{ id: 'bedrock', baseURL: bedrock.url, region: 'us-west-2', apiKey: () => BEDROCK_API_KEY }],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(bedrock.stats().requests[0]?.apiKeyOk, true);
  } finally {
    manager.dispose();
    await bedrock.close();
  }
});

test('Bedrock without credentials fails at once as an auth problem, naming what is missing', { timeout: 10_000 }, async () => {
  // Nothing stored and nothing in the AWS chain (no environment keys, empty ~/.aws, no instance metadata).
  const sandbox = isolateCredentials();
  const bedrock = await startSimulator({ scenario: scenario({}) });
  const manager = createRequestManager({
    ...testConfig(bedrock.url),
    providers: [{ id: 'bedrock', baseURL: bedrock.url, region: 'us-east-1', awsAccessKeyId: () => ACCESS_KEY_ID, awsSecretAccessKey: () => '' }],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.error.class === 'auth');
    assert.match(!outcome.ok ? outcome.error.message : '', /Bedrock: no AWS credentials found/);
    assert.equal(bedrock.stats().total, 0);
  } finally {
    manager.dispose();
    await bedrock.close();
    sandbox.restore();
  }
});

test('three providers: Anthropic overloaded, Bedrock unavailable, Vertex answers the same model', { timeout: 20_000 }, async () => {
  const anthropic = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  const bedrock = await startSimulator({ scenario: scenario({ [OPUS]: { p503: 1 } }), apiKey: ACCESS_KEY_ID });
  const vertex = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({
    ...testConfig(anthropic.url, { retry: { ...defaultManagerConfig().retry, baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 20_000, maxAttempts: 8, maxAttemptsPerRoute: 2 } }),
    providers: [
      { id: 'anthropic', baseURL: anthropic.url, apiKey: () => TEST_KEY },
      bedrockProvider(bedrock),
      { id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => TEST_KEY },
    ],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.provider, 'vertex');
    assert.equal(outcome.model, OPUS);
    assert.deepEqual([...new Set(outcome.attempts.map((a) => a.provider))], ['anthropic', 'bedrock', 'vertex']);
    assert.ok(outcome.attempts.filter((a) => a.provider === 'bedrock').every((a) => a.status === 503 && a.errorClass === 'transient'));
    assert.equal(vertex.stats().total, 1);
    assert.equal(modelTotal(anthropic, HAIKU) + modelTotal(bedrock, HAIKU), 0, 'no fallback to a smaller model was needed');
  } finally {
    manager.dispose();
    await anthropic.close();
    await bedrock.close();
    await vertex.close();
  }
});

test('settings: a Bedrock provider needs a region; keys must be callbacks; model ids must be strings', { timeout: 5_000 }, () => {
  const { config, problems } = validateManagerConfig({
    providers: [
      { id: 'bedrock' },
      { id: 'bedrock', region: 'eu-west-1', awsAccessKeyId: 'AKID-as-text', modelIds: { [OPUS]: 'eu.anthropic.claude-opus-5-5', [SONNET]: 7 } },
    ],
  });
  assert.equal(config.providers.length, 1);
  const [provider] = config.providers;
  assert.equal(provider?.id, 'bedrock');
  assert.equal(provider?.region, 'eu-west-1');
  assert.equal(provider?.awsAccessKeyId, undefined);
  assert.deepEqual(provider?.modelIds, { [OPUS]: 'eu.anthropic.claude-opus-5-5' });
  const text = problems.map((p) => p.message).join('\n');
  assert.match(text, /Bedrock needs a region/);
  assert.match(text, /awsAccessKeyId must be a function/);
  assert.match(text, /modelIds\.claude-sonnet-5-5 must be a model id/);
  assert.equal(text.includes('AKID-as-text'), false, 'a key typed as text is not echoed');
});

function modelTotal(sim: RunningSimulator, model: string): number {
  return sim.stats().byModel[model]?.total ?? 0;
}
