// Route configuration without VS Code: which providers, which chain, where requests go
// and what the manager is configured with, for real traffic and during a rehearsal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REHEARSAL_API_KEY, RouteConfiguration } from '../../../src/extension/routeConfiguration';
import type { CredentialReaders, RehearsalPlace } from '../../../src/extension/routeConfiguration';
import { validateSettings } from '../../../src/extension/settings';
import type { ExtensionSettings } from '../../../src/extension/settings';

const none = async (): Promise<string | undefined> => undefined;

function routesFor(raw: Record<string, unknown>, opts: { bedrock?: boolean; rehearsal?: RehearsalPlace } = {}) {
  let settings: ExtensionSettings = validateSettings(raw).settings;
  let rehearsal: RehearsalPlace | null = opts.rehearsal ?? null;
  const credentials: CredentialReaders = {
    hasBedrock: opts.bedrock ?? false,
    hasVertex: false,
    bedrockApiKey: async () => 'bedrock-key-0123456789',
    awsAccessKeyId: none,
    awsSecretAccessKey: none,
    awsSessionToken: none,
    vertexAccessToken: none,
  };
  const routes = new RouteConfiguration({
    settings: () => settings,
    apiKey: async () => 'sk-ant-api03-live-key-0123456789',
    credentials,
    rehearsal: () => rehearsal,
    clientName: 'test/1',
  });
  return {
    routes,
    set: (next: Record<string, unknown>) => (settings = validateSettings(next).settings),
    rehearse: (place: RehearsalPlace | null) => (rehearsal = place),
  };
}

const place: RehearsalPlace = { scenario: 'overload', url: 'http://127.0.0.1:4999', statusPageUrl: 'http://127.0.0.1:4999/status' };

test('providers without credentials are left out while another has them, and all stay when none has', { timeout: 5000 }, () => {
  const { routes } = routesFor({ providers: ['anthropic', 'bedrock'] }, { bedrock: true });
  assert.deepEqual(routes.providers, ['bedrock'], 'no Anthropic key yet: only Bedrock');
  assert.equal(routes.hasCredentials(), true);
  assert.equal(routes.noteAnthropicKey(true), true, 'the key arriving is a change');
  assert.equal(routes.noteAnthropicKey(true), false, 'the same again is not');
  assert.deepEqual(routes.providers, ['anthropic', 'bedrock']);
  const bare = routesFor({ providers: ['anthropic', 'bedrock'] }).routes;
  assert.equal(bare.hasCredentials(), false);
  assert.deepEqual(bare.providers, ['anthropic', 'bedrock'], 'none usable: the first says what is missing');
});

test('"Use Fallback Now" moves a model to the end until demotions are forgotten, in the configuration too', { timeout: 5000 }, () => {
  const { routes } = routesFor({ model: 'claude-opus-5', fallbackModels: ['claude-sonnet-5-5', 'claude-haiku-5-5'] });
  routes.noteAnthropicKey(true);
  assert.deepEqual(routes.chain, ['claude-opus-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.equal(routes.demote('claude-opus-5'), true);
  assert.equal(routes.demote('claude-opus-5'), false, 'already set aside');
  assert.deepEqual(routes.chain, ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5']);
  assert.deepEqual(routes.liveConfig().models, routes.chain);
  assert.deepEqual(routes.demotedModels, ['claude-opus-5']);
  assert.equal(routes.primaryModel, 'claude-opus-5', 'the primary setting is unchanged');
  assert.equal(routes.forgetDemotions('claude-haiku-5-5'), false, 'only the named model is forgotten');
  assert.equal(routes.forgetDemotions(), true);
  assert.deepEqual(routes.chain, ['claude-opus-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
});

test('a rehearsal sends everything to its simulator with a dummy key; real traffic keeps the configured API', { timeout: 5000 }, async () => {
  const { routes, rehearse } = routesFor({ baseUrl: 'http://127.0.0.1:9999', providers: ['anthropic', 'bedrock', 'vertex'], 'vertex.projectId': 'my-project-123' });
  assert.equal(routes.rehearsalScenario, null);
  assert.equal(routes.endpoint().baseURL, 'http://127.0.0.1:9999');
  assert.equal(routes.rehearsalAt(place.url), null, 'no rehearsal runs there');
  rehearse(place);
  assert.equal(routes.rehearsalScenario, 'overload');
  assert.equal(routes.rehearsalUrl, place.url);
  assert.equal(routes.rehearsalStatusPageUrl, place.statusPageUrl);
  assert.equal(routes.endpoint().baseURL, place.url);
  assert.equal(await routes.endpoint().apiKey(), REHEARSAL_API_KEY);
  assert.equal(routes.liveEndpoint().baseURL, 'http://127.0.0.1:9999', 'the live endpoint is still the configured one');
  assert.equal(await routes.liveEndpoint().apiKey(), 'sk-ant-api03-live-key-0123456789');
  assert.deepEqual(routes.providers, ['anthropic', 'bedrock', 'vertex'], 'every provider plays on the simulator');
  const rehearsed = routes.rehearsalConfig(place.url);
  for (const provider of rehearsed.providers) {
    assert.ok(provider.baseURL?.startsWith(place.url), `${provider.id} goes to the simulator`);
    assert.equal(await provider.apiKey?.(), REHEARSAL_API_KEY, `${provider.id} carries no real credential`);
  }
  assert.match(routes.describeRoute(), /rehearsal simulator at http:\/\/127\.0\.0\.1:4999/);
  rehearse(null);
  assert.equal(routes.rehearsalAt(place.url), null);
  assert.equal(routes.liveConfig().providers.length, 3);
});

test('the breaker view lists each model on each provider in order, closed where the manager knows nothing', { timeout: 5000 }, () => {
  const { routes } = routesFor({ model: 'claude-opus-5', fallbackModels: ['claude-haiku-5-5'], providers: ['anthropic', 'bedrock'] }, { bedrock: true });
  routes.noteAnthropicKey(true);
  const open = { provider: 'bedrock' as const, model: 'claude-opus-5', state: 'open' as const, since: 5, nextProbeAt: 10, consecutiveFailures: 3, heldUntil: null };
  const view = routes.breakerView([open]);
  assert.deepEqual(
    view.map((b) => `${b.model}@${b.provider}:${b.state}`),
    ['claude-opus-5@anthropic:closed', 'claude-opus-5@bedrock:open', 'claude-haiku-5-5@anthropic:closed', 'claude-haiku-5-5@bedrock:closed'],
  );
  assert.equal(view[1], open);
});

test('the route description names the chain and each provider\'s destination, never a key', { timeout: 5000 }, () => {
  const { routes, set } = routesFor({ providers: ['anthropic', 'bedrock'], 'bedrock.region': 'eu-west-1' }, { bedrock: true });
  routes.noteAnthropicKey(true);
  const line = routes.describeRoute();
  assert.match(line, /^chain claude-/);
  assert.match(line, /anthropic \(https:\/\/api\.anthropic\.com\), then bedrock \(Amazon Bedrock in eu-west-1\)/);
  assert.doesNotMatch(line, /sk-ant|bedrock-key/);
  set({ baseUrl: 'http://127.0.0.1:8123' });
  assert.match(routes.describeRoute(), /requests to http:\/\/127\.0\.0\.1:8123$/);
});
