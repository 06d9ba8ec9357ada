import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { defaultManagerConfig } from '../../../src/core/defaults';
import {
  CONTRIBUTED_SETTINGS,
  DEFAULT_SETTINGS,
  SETTINGS_TABLE,
  TRAFFIC_SETTINGS,
  SETTING_KEYS,
  SETTINGS_SECTION,
  SHIPPED_SCENARIOS,
  modelChain,
  validateSettings,
} from '../../../src/extension/settings';

interface ManifestProperty {
  readonly default?: unknown;
  readonly type?: string;
  readonly scope?: string;
  readonly enum?: readonly unknown[];
  readonly items?: { readonly enum?: readonly unknown[] };
  readonly minimum?: number;
  readonly maximum?: number;
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ManifestProperty> } };
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
};
const properties = manifest.contributes.configuration.properties;

test('unset settings give the defaults and no warning', { timeout: 5000 }, () => {
  const { settings, problems } = validateSettings({});
  assert.deepEqual(settings, DEFAULT_SETTINGS);
  assert.deepEqual(problems, []);
  assert.deepEqual(modelChain(settings), ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
});

test('package.json contributes exactly the settings table: defaults, types, bounds, enums, scopes and restrictions', { timeout: 5000 }, () => {
  const table = new Map(CONTRIBUTED_SETTINGS.map((spec) => [`${SETTINGS_SECTION}.${spec.key}`, spec]));
  assert.equal(table.size, CONTRIBUTED_SETTINGS.length, 'no key in two rows');
  assert.deepEqual(Object.keys(properties).sort(), [...table.keys()].sort(), 'every contributed setting has a row, every row a property');
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const [id, spec] of table) {
    const property = properties[id]!;
    const facts = spec.manifest;
    assert.deepEqual(property.default, spec.default, `${id} default`);
    assert.equal(property.type, facts.type, `${id} type`);
    assert.equal(property.minimum, facts.minimum, `${id} minimum`);
    assert.equal(property.maximum, facts.maximum, `${id} maximum`);
    assert.deepEqual(facts.type === 'array' ? property.items?.enum : property.enum, facts.enum, `${id} enum`);
    assert.equal(property.scope, facts.scope, `${id} scope`);
    assert.equal(restricted.includes(id), facts.restricted === true, `${id} restricted in untrusted workspaces`);
    // The default passes its own check, and unset gives the default.
    const reports: string[] = [];
    assert.deepEqual(spec.read(spec.default, (m) => reports.push(m)), spec.default, id);
    assert.deepEqual(spec.read(undefined, (m) => reports.push(m)), spec.default, id);
    assert.deepEqual(reports, [], id);
  }
});

test('the settings keys, defaults and untrusted-workspace list come from the one table', { timeout: 5000 }, () => {
  for (const [field, spec] of Object.entries(SETTINGS_TABLE)) {
    assert.equal(SETTING_KEYS[field as keyof typeof SETTING_KEYS], spec.key);
    assert.deepEqual(DEFAULT_SETTINGS[field as keyof typeof DEFAULT_SETTINGS], spec.default);
  }
  assert.deepEqual([...TRAFFIC_SETTINGS].sort(), ['baseUrl', 'bedrock.baseUrl', 'bedrock.profile', 'headers', 'vertex.baseUrl']);
});

test('the rehearsal setting offers exactly the shipped scenarios', { timeout: 5000 }, () => {
  assert.deepEqual(properties['resilientClaude.rehearsal.scenario']?.enum, ['', ...SHIPPED_SCENARIOS]);
  for (const name of SHIPPED_SCENARIOS) {
    assert.equal(validateSettings({ 'rehearsal.scenario': name }).settings.rehearsalScenario, name);
  }
});

test('base URL and headers are machine settings restricted in untrusted workspaces', { timeout: 5000 }, () => {
  assert.equal(properties['resilientClaude.baseUrl']?.scope, 'machine');
  assert.equal(properties['resilientClaude.headers']?.scope, 'machine');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  assert.ok(restricted.includes('resilientClaude.baseUrl') && restricted.includes('resilientClaude.headers'));
});

test('an out-of-range number is reported once, naming the setting, and the default is used', { timeout: 5000 }, () => {
  const { settings, problems } = validateSettings({ 'retry.maxAttempts': 0, 'breaker.openSeconds': 30 });
  assert.equal(settings.maxAttempts, DEFAULT_SETTINGS.maxAttempts);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]?.setting, 'resilientClaude.retry.maxAttempts');
  assert.match(problems[0]?.message ?? '', /whole number from 1 to 20; using 6/);
});

test('numeric bounds match the manifest and reject fractions where whole numbers are needed', { timeout: 5000 }, () => {
  assert.equal(validateSettings({ concurrency: 2.5 }).settings.concurrency, DEFAULT_SETTINGS.concurrency);
  assert.equal(validateSettings({ concurrency: 64 }).settings.concurrency, 64);
  assert.equal(validateSettings({ 'alert.threshold': 0.2 }).settings.alertThreshold, 0.2);
  assert.equal(validateSettings({ 'alert.threshold': 5 }).problems[0]?.setting, 'resilientClaude.alert.threshold');
  assert.equal(validateSettings({ 'retry.deadlineSeconds': '90' }).problems.length, 1);
  assert.equal(validateSettings({ 'retry.deadlineSeconds': Number.NaN }).problems.length, 1);
  for (const key of ['retry.maxAttempts', 'breaker.failureThreshold', 'concurrency', 'alert.windowMinutes']) {
    const p = properties[`resilientClaude.${key}`];
    assert.ok(p?.minimum !== undefined && p.maximum !== undefined);
    assert.equal(validateSettings({ [key]: p.minimum }).problems.length, 0, key);
    assert.equal(validateSettings({ [key]: p.maximum }).problems.length, 0, key);
    assert.equal(validateSettings({ [key]: p.maximum + 1 }).problems.length, 1, key);
  }
});

test('fallback models: duplicates and the primary are dropped, a bad list falls back to defaults', { timeout: 5000 }, () => {
  const ok = validateSettings({ model: 'claude-sonnet-5-5', fallbackModels: ['claude-sonnet-5-5', ' claude-haiku-5-5', 'claude-haiku-5-5'] });
  assert.deepEqual(modelChain(ok.settings), ['claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.deepEqual(ok.problems, []);
  const bad = validateSettings({ fallbackModels: 'claude-haiku-5-5' });
  assert.deepEqual(bad.settings.fallbackModels, DEFAULT_SETTINGS.fallbackModels);
  assert.equal(bad.problems[0]?.setting, 'resilientClaude.fallbackModels');
  assert.equal(validateSettings({ model: 'bad model id' }).settings.model, DEFAULT_SETTINGS.model);
  assert.equal(validateSettings({ model: '' }).problems[0]?.setting, 'resilientClaude.model');
});

test('base URL must be http(s) without embedded credentials', { timeout: 5000 }, () => {
  assert.equal(validateSettings({ baseUrl: 'http://127.0.0.1:4000/' }).settings.baseUrl, 'http://127.0.0.1:4000');
  assert.equal(validateSettings({ baseUrl: 'https://gateway.example/anthropic' }).problems.length, 0);
  for (const bad of ['ftp://x', 'not a url', 'https://user:pw@gw.example', 42]) {
    const { settings, problems } = validateSettings({ baseUrl: bad });
    assert.equal(settings.baseUrl, '');
    assert.equal(problems[0]?.setting, 'resilientClaude.baseUrl');
    assert.ok(!problems[0]?.message.includes('pw'));
  }
});

test('headers: strings only, the auth headers refused, values never echoed in the warning', { timeout: 5000 }, () => {
  assert.deepEqual(validateSettings({ headers: { 'X-Gateway-Team': 'blue' } }).settings.headers, { 'X-Gateway-Team': 'blue' });
  const secret = 'sk-ant-never-shown';
  for (const bad of [{ 'x-api-key': secret }, { Authorization: `Bearer ${secret}` }, { 'X-Team': 3 }, ['a'], { 'bad name': secret }, { 'X-A': `${secret}\r\nX: y` }]) {
    const { settings, problems } = validateSettings({ headers: bad });
    assert.deepEqual(settings.headers, {});
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.setting, 'resilientClaude.headers');
    assert.ok(!problems[0]?.message.includes(secret), problems[0]?.message);
  }
});

test('an unknown rehearsal scenario starts nothing and says which names exist', { timeout: 5000 }, () => {
  const { settings, problems } = validateSettings({ 'rehearsal.scenario': 'meltdown' });
  assert.equal(settings.rehearsalScenario, '');
  assert.match(problems[0]?.message ?? '', /"primary-outage"/);
});

test('the settings defaults are the request manager defaults', { timeout: 5000 }, () => {
  const core = defaultManagerConfig();
  assert.deepEqual(modelChain(DEFAULT_SETTINGS), core.models);
  assert.equal(DEFAULT_SETTINGS.maxAttempts, core.retry.maxAttempts);
  assert.equal(DEFAULT_SETTINGS.deadlineSeconds * 1000, core.retry.deadlineMs);
  assert.equal(DEFAULT_SETTINGS.failureThreshold, core.breaker.failureThreshold);
  assert.equal(DEFAULT_SETTINGS.openSeconds * 1000, core.breaker.openMs);
  assert.equal(DEFAULT_SETTINGS.concurrency, core.concurrency);
  assert.equal(DEFAULT_SETTINGS.hedgeFloorSeconds * 1000, core.tail?.hedgeFloorMs);
  assert.equal(DEFAULT_SETTINGS.hedgeBudgetPercent / 100, core.tail?.hedgeBudget.ratio);
  assert.equal(DEFAULT_SETTINGS.stallFloorSeconds * 1000, core.tail?.stallFloorMs);
});

test('tail settings: the floors and the hedge budget are validated like the others', { timeout: 5000 }, () => {
  const ok = validateSettings({ 'tail.hedgeFloorSeconds': 0.5, 'tail.hedgeBudgetPercent': 0, 'tail.stallFloorSeconds': 60 });
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.settings.hedgeFloorSeconds, 0.5);
  assert.equal(ok.settings.hedgeBudgetPercent, 0);
  assert.equal(ok.settings.stallFloorSeconds, 60);
  const bad = validateSettings({ 'tail.hedgeFloorSeconds': 0, 'tail.hedgeBudgetPercent': 80, 'tail.stallFloorSeconds': 'soon' });
  assert.deepEqual(
    bad.problems.map((p) => p.setting),
    ['resilientClaude.tail.hedgeFloorSeconds', 'resilientClaude.tail.hedgeBudgetPercent', 'resilientClaude.tail.stallFloorSeconds'],
  );
  assert.equal(bad.settings.hedgeFloorSeconds, DEFAULT_SETTINGS.hedgeFloorSeconds);
  assert.equal(bad.settings.hedgeBudgetPercent, DEFAULT_SETTINGS.hedgeBudgetPercent);
  assert.equal(bad.settings.stallFloorSeconds, DEFAULT_SETTINGS.stallFloorSeconds);
});

test('providers: an ordered list of known providers; anything else is reported once and Anthropic alone is used', { timeout: 5000 }, () => {
  assert.deepEqual(validateSettings({ providers: ['bedrock', 'anthropic'] }).settings.providers, ['bedrock', 'anthropic']);
  for (const bad of [[], ['anthropic', 'anthropic'], ['azure'], 'bedrock', [1]]) {
    const { settings, problems } = validateSettings({ providers: bad });
    assert.deepEqual(settings.providers, ['anthropic'], JSON.stringify(bad));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.setting, 'resilientClaude.providers');
  }
});

test('Bedrock and Vertex regions, project and base URLs are checked; Vertex without a project is left out, saying why', { timeout: 5000 }, () => {
  const good = validateSettings({
    providers: ['anthropic', 'bedrock', 'vertex'],
    'bedrock.region': 'eu-central-1',
    'bedrock.baseUrl': 'https://bedrock.internal.example/',
    'vertex.projectId': 'team-claude-42',
    'vertex.region': 'europe-west1',
    'vertex.baseUrl': 'http://127.0.0.1:9000',
  });
  assert.deepEqual(good.problems, []);
  assert.equal(good.settings.bedrockBaseUrl, 'https://bedrock.internal.example');
  assert.deepEqual(good.settings.providers, ['anthropic', 'bedrock', 'vertex']);

  const bad = validateSettings({ 'bedrock.region': 'Frankfurt', 'vertex.region': 'us east', 'bedrock.baseUrl': 'https://user:pw@x.example' });
  assert.equal(bad.settings.bedrockRegion, DEFAULT_SETTINGS.bedrockRegion);
  assert.equal(bad.settings.vertexRegion, DEFAULT_SETTINGS.vertexRegion);
  assert.equal(bad.settings.bedrockBaseUrl, '');
  assert.deepEqual(bad.problems.map((p) => p.setting).sort(), [
    'resilientClaude.bedrock.baseUrl',
    'resilientClaude.bedrock.region',
    'resilientClaude.vertex.region',
  ]);
  assert.ok(!bad.problems.some((p) => p.message.includes('pw')), 'a URL with credentials is not repeated');

  const noProject = validateSettings({ providers: ['vertex', 'bedrock'] });
  assert.deepEqual(noProject.settings.providers, ['bedrock']);
  assert.match(noProject.problems[0]?.message ?? '', /vertex\.projectId is not set/);
});

test('the provider base URLs are machine settings restricted in untrusted workspaces', { timeout: 5000 }, () => {
  const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of ['resilientClaude.bedrock.baseUrl', 'resilientClaude.vertex.baseUrl']) {
    assert.equal(properties[key]?.scope, 'machine', key);
    assert.ok(restricted.includes(key), key);
  }
});

test('the Bedrock profile: a profile name or empty for the default chain; restricted in untrusted workspaces', { timeout: 5000 }, () => {
  assert.equal(validateSettings({ 'bedrock.profile': ' bedrock-dev ' }).settings.bedrockProfile, 'bedrock-dev');
  assert.equal(validateSettings({ 'bedrock.profile': 'team.sso+admin@corp' }).settings.bedrockProfile, 'team.sso+admin@corp');
  assert.equal(validateSettings({ 'bedrock.profile': '' }).problems.length, 0);
  for (const bad of ['has space', '[profile x]', 42, 'x'.repeat(65)]) {
    const { settings, problems } = validateSettings({ 'bedrock.profile': bad });
    assert.equal(settings.bedrockProfile, '', String(bad));
    assert.equal(problems[0]?.setting, 'resilientClaude.bedrock.profile');
    assert.match(problems[0]?.message ?? '', /profile in ~\/\.aws\/config/);
  }
  assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('resilientClaude.bedrock.profile'));
});

test('per-provider model ids: API model id to the provider\'s id, a bad entry named and no overrides used', { timeout: 5000 }, () => {
  const good = validateSettings({
    'bedrock.modelIds': {
      'claude-opus-5-5': 'us.anthropic.claude-opus-5-5-v1:0',
      'claude-haiku-5-5': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3',
    },
    'vertex.modelIds': { 'claude-opus-5-5': ' claude-opus-5-5@20261101 ' },
  });
  assert.deepEqual(good.problems, []);
  assert.equal(good.settings.bedrockModelIds['claude-haiku-5-5'], 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3');
  assert.deepEqual(good.settings.vertexModelIds, { 'claude-opus-5-5': 'claude-opus-5-5@20261101' });

  const cases: Array<[string, unknown, RegExp]> = [
    ['bedrock.modelIds', ['us.anthropic.claude-opus-5-5-v1:0'], /must be an object of API model ids/],
    ['bedrock.modelIds', { 'claude-opus-5-5': 'us anthropic opus' }, /maps "claude-opus-5-5" to "us anthropic opus", which is not a Bedrock model id/],
    ['bedrock.modelIds', { 'not a model': 'us.anthropic.x-v1:0' }, /has a key that is not a model id/],
    ['vertex.modelIds', { 'claude-opus-5-5': 'publishers/anthropic/models/x:rawPredict' }, /which is not a Vertex model id/],
    ['vertex.modelIds', { 'claude-opus-5-5': 5 }, /to a non-string/],
  ];
  for (const [key, value, message] of cases) {
    const { settings, problems } = validateSettings({ [key]: value });
    assert.deepEqual(key === 'bedrock.modelIds' ? settings.bedrockModelIds : settings.vertexModelIds, {}, key);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.setting, `resilientClaude.${key}`);
    assert.match(problems[0]?.message ?? '', message);
  }
});
