import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { buildManagerConfig, effectiveChain, endpointFromSettings } from '../../../src/extension/managerConfig';
import { validateSettings } from '../../../src/extension/settings';

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
