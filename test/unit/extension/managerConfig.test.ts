import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { redactSecrets } from '../../../src/core/redact';
import { buildManagerConfig, effectiveChain, endpointFromSettings } from '../../../src/extension/managerConfig';
import { DEFAULT_SETTINGS, validateSettings } from '../../../src/extension/settings';

const noKey = async (): Promise<string | undefined> => undefined;

test('the user-facing settings become the manager configuration', { timeout: 5000 }, () => {
  const { settings } = validateSettings({
    model: 'claude-sonnet-5-5',
    'retry.maxAttempts': 2,
    'retry.deadlineSeconds': 30,
    'breaker.failureThreshold': 1,
    'breaker.openSeconds': 2,
    concurrency: 8,
    baseUrl: 'http://127.0.0.1:9999/',
    headers: { 'X-Team': 'blue' },
  });
  const config = buildManagerConfig(defaultManagerConfig(), settings, endpointFromSettings(settings, noKey), new Set(), 'test/1');
  assert.deepEqual(config.models, ['claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.equal(config.retry.maxAttempts, 2);
  assert.ok(config.retry.maxAttemptsPerRoute <= 2, 'a route never gets more attempts than the request');
  assert.equal(config.retry.deadlineMs, 30_000);
  assert.equal(config.breaker.failureThreshold, 1);
  assert.equal(config.breaker.openMs, 2000);
  assert.ok(config.breaker.maxOpenMs >= config.breaker.openMs);
  assert.equal(config.concurrency, 8);
  assert.equal(config.providers.length, 1);
  assert.equal(config.providers[0]?.baseURL, 'http://127.0.0.1:9999');
  assert.deepEqual(config.providers[0]?.headers, { 'X-Team': 'blue' });
  assert.equal(config.clientName, 'test/1');
});

test('an empty base URL leaves the SDK default in place', { timeout: 5000 }, () => {
  const { settings } = validateSettings({});
  const config = buildManagerConfig(defaultManagerConfig(), settings, endpointFromSettings(settings, noKey), new Set(), 'x');
  assert.equal('baseURL' in (config.providers[0] ?? {}), false);
});

test('"Use Fallback Now" moves a model to the end of the chain without dropping it', { timeout: 5000 }, () => {
  const { settings } = validateSettings({});
  assert.deepEqual(effectiveChain(settings, new Set(['claude-opus-5-5'])), ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5-5']);
  assert.deepEqual(effectiveChain(settings, new Set()), ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
});

test('the key is read through the provider callback, never copied into the configuration', { timeout: 5000 }, async () => {
  const { settings } = validateSettings({});
  const secret = 'sk-ant-unit-never-in-config';
  const config = buildManagerConfig(defaultManagerConfig(), settings, endpointFromSettings(settings, async () => secret), new Set(), 'x');
  assert.ok(!JSON.stringify(config).includes(secret));
  assert.equal(await config.providers[0]?.apiKey?.(), secret);
});

test('providers become routes in the configured order; one without credentials is left out while another has them', { timeout: 5000 }, async () => {
  const { settings } = validateSettings({
    providers: ['anthropic', 'bedrock', 'vertex'],
    'bedrock.region': 'us-west-2',
    'bedrock.baseUrl': 'http://127.0.0.1:7001',
    'vertex.projectId': 'team-claude-42',
    'vertex.region': 'europe-west1',
  });
  const secret = (value: string) => async (): Promise<string | undefined> => value;
  const access = (usable: Array<'anthropic' | 'bedrock' | 'vertex'>) => ({
    usable: new Set(usable),
    bedrock: { apiKey: noKey, awsAccessKeyId: secret('AKIAUNITTEST00000001'), awsSecretAccessKey: secret('unit-secret'), awsSessionToken: noKey },
    vertex: { accessToken: secret('ya29.unit') },
  });
  const endpoint = endpointFromSettings(settings, noKey);
  const all = buildManagerConfig(defaultManagerConfig(), settings, endpoint, new Set(), 'x', access(['anthropic', 'bedrock', 'vertex']));
  assert.deepEqual(all.providers.map((p) => p.id), ['anthropic', 'bedrock', 'vertex']);
  const bedrock = all.providers[1];
  assert.equal(bedrock?.region, 'us-west-2');
  assert.equal(bedrock?.baseURL, 'http://127.0.0.1:7001');
  assert.equal(await bedrock?.awsAccessKeyId?.(), 'AKIAUNITTEST00000001');
  assert.equal(bedrock?.headers, undefined, 'the Anthropic gateway headers are not sent to AWS');
  const vertex = all.providers[2];
  assert.deepEqual([vertex?.projectId, vertex?.region, await vertex?.apiKey?.()], ['team-claude-42', 'europe-west1', 'ya29.unit']);

  const onlyBedrock = buildManagerConfig(defaultManagerConfig(), settings, endpoint, new Set(), 'x', access(['bedrock']));
  assert.deepEqual(onlyBedrock.providers.map((p) => p.id), ['bedrock']);
  const none = buildManagerConfig(defaultManagerConfig(), settings, endpoint, new Set(), 'x', access([]));
  assert.deepEqual(none.providers.map((p) => p.id), ['anthropic', 'bedrock', 'vertex'], 'with no credentials at all, the first provider says what is missing');
});

test('the Bedrock profile and per-provider model ids reach the provider configuration, but not the rehearsal simulator', { timeout: 5000 }, () => {
  const { settings } = validateSettings({
    providers: ['bedrock', 'vertex'],
    'bedrock.profile': 'bedrock-dev',
    'bedrock.modelIds': { 'claude-opus-5-5': 'us.anthropic.claude-opus-5-5-v1:0' },
    'vertex.projectId': 'team-claude-42',
    'vertex.modelIds': { 'claude-opus-5-5': 'claude-opus-5-5@20261101' },
  });
  const access = {
    usable: new Set<'anthropic' | 'bedrock' | 'vertex'>(['bedrock', 'vertex']),
    bedrock: { apiKey: noKey, awsAccessKeyId: noKey, awsSecretAccessKey: noKey, awsSessionToken: noKey },
    vertex: { accessToken: noKey },
  };
  const endpoint = endpointFromSettings(settings, noKey);
  const [bedrock, vertex] = buildManagerConfig(defaultManagerConfig(), settings, endpoint, new Set(), 'x', access).providers;
  assert.equal(bedrock?.awsProfile, 'bedrock-dev');
  assert.deepEqual(bedrock?.modelIds, { 'claude-opus-5-5': 'us.anthropic.claude-opus-5-5-v1:0' });
  assert.deepEqual(vertex?.modelIds, { 'claude-opus-5-5': 'claude-opus-5-5@20261101' });

  const rehearsal = { ...access, bedrock: { ...access.bedrock, baseURL: 'http://127.0.0.1:7001' }, vertex: { ...access.vertex, baseURL: 'http://127.0.0.1:7001/v1' } };
  const simulated = buildManagerConfig(defaultManagerConfig(), settings, endpoint, new Set(), 'x', rehearsal).providers;
  assert.deepEqual(simulated.map((p) => [p.awsProfile, p.modelIds]), [[undefined, undefined], [undefined, undefined]]);
});

test('a gateway key of any shape is registered with redaction when the endpoint reads it', { timeout: 5000 }, async () => {
  const { settings } = validateSettings({ baseUrl: 'http://127.0.0.1:9999' });
  const endpoint = endpointFromSettings(settings, async () => 'gw-xyz-123456');
  assert.equal(redactSecrets('gateway said gw-xyz-123456'), 'gateway said gw-xyz-123456', 'not known before it is read');
  assert.equal(await endpoint.apiKey(), 'gw-xyz-123456');
  assert.equal(redactSecrets('gateway said gw-xyz-123456'), 'gateway said [redacted]');
});

test('tail settings reach the manager: a 0% hedge budget turns hedging off', { timeout: 5000 }, () => {
  const settings = { ...DEFAULT_SETTINGS, hedgeFloorSeconds: 0.5, hedgeBudgetPercent: 0, stallFloorSeconds: 60 };
  const config = buildManagerConfig(defaultManagerConfig(), settings, endpointFromSettings(settings, noKey), new Set(), 'x');
  assert.equal(config.tail?.hedge, false);
  assert.equal(config.tail?.hedgeFloorMs, 500);
  assert.equal(config.tail?.stallFloorMs, 60_000);
  const on = buildManagerConfig(defaultManagerConfig(), { ...DEFAULT_SETTINGS, hedgeBudgetPercent: 4 }, endpointFromSettings(DEFAULT_SETTINGS, noKey), new Set(), 'x');
  assert.equal(on.tail?.hedge, true);
  assert.equal(on.tail?.hedgeBudget.ratio, 0.04);
});
