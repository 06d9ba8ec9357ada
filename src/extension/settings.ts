// The extension's settings as one table (key, default, check, manifest facts), and the pure
// validator that turns raw configuration values into them. Invalid values are reported (naming the
// setting) and replaced by the default; nothing here imports 'vscode'.
import { MODEL_ID_PATTERN, PROVIDERS } from '../shared/vocabulary';
import { HTTP_URL_RULE, parseHttpUrl } from '../shared/httpUrl';
import type { ProviderId } from '../core/types';
import { DEFAULT_MODELS, DEFAULT_TAIL, defaultManagerConfig } from '../core/defaults';
import { booleanSetting, defaultsOf, keysOf, numberSetting, patternSetting, readTable, setting } from './settingSpec';
import type { Report, SettingSpec, SettingsOf, SettingsTable } from './settingSpec';

/** The scenario names shipped in `scenarios/` and offered by `resilientClaude.rehearsal.scenario`. */
export const SHIPPED_SCENARIOS = [
  'healthy',
  'primary-outage',
  'brownout',
  'rate-limit-storm',
  'flaky-network',
  'mid-stream-failures',
  'slow-prefill',
] as const;

/** AWS regions: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-4 … */
const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** Google Cloud project ids: 6 to 30 lowercase letters, digits and hyphens, starting with a letter. */
const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Vertex locations: global, us-east5, europe-west1, asia-southeast1 … */
const GCP_REGION = /^(?:global|[a-z]+-[a-z]+\d{1,2})$/;
/** AWS profile names as the CLI writes them: letters, digits and . _ - + @, no spaces or brackets. */
const AWS_PROFILE = /^[A-Za-z0-9][A-Za-z0-9._+@-]{0,63}$/;
/** Bedrock model ids (`us.anthropic.claude-…-v1:0`) and inference profile ARNs. */
const BEDROCK_MODEL_ID = /^(?:arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:[a-z-]+\/[A-Za-z0-9._:-]{1,200}|[A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/;
/** Vertex model ids (`claude-opus-5-5`, `claude-…@20261101`): no slash or colon, which the endpoint path gives meaning to. */
const VERTEX_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the client itself owns: overriding them would break or leak authentication. */
const RESERVED_HEADERS = new Set(['x-api-key', 'authorization', 'content-type', 'content-length', 'host']);

const [PRIMARY_MODEL = 'claude-opus-5-5', ...FALLBACK_MODELS] = DEFAULT_MODELS;
const CORE = defaultManagerConfig();
const CORE_TAIL = CORE.tail ?? DEFAULT_TAIL;

/**
 * Every `resilientClaude.*` setting the request path uses, once: key, default, check and what
 * package.json declares. The numbers the request manager also has default to the manager's own.
 * Adding a setting: a row here and its property in package.json (a unit test compares the two).
 */
export const SETTINGS_TABLE = {
  model: setting('model', PRIMARY_MODEL, { type: 'string' }, readModel),
  fallbackModels: setting('fallbackModels', FALLBACK_MODELS as readonly string[], { type: 'array' }, readModelList),
  maxAttempts: numberSetting('retry.maxAttempts', CORE.retry.maxAttempts, { min: 1, max: 20, integer: true }),
  deadlineSeconds: numberSetting('retry.deadlineSeconds', CORE.retry.deadlineMs / 1000, { min: 5, max: 600, integer: false }),
  failureThreshold: numberSetting('breaker.failureThreshold', CORE.breaker.failureThreshold, { min: 1, max: 100, integer: true }),
  openSeconds: numberSetting('breaker.openSeconds', CORE.breaker.openMs / 1000, { min: 1, max: 3600, integer: false }),
  concurrency: numberSetting('concurrency', CORE.concurrency, { min: 1, max: 64, integer: true }),
  /** A late first token is never hedged sooner than this after its attempt started. */
  hedgeFloorSeconds: numberSetting('tail.hedgeFloorSeconds', CORE_TAIL.hedgeFloorMs / 1000, { min: 0.05, max: 600, integer: false }),
  /** Hedges per route at most this share of its requests (percent, 0 = never hedge). */
  hedgeBudgetPercent: numberSetting('tail.hedgeBudgetPercent', CORE_TAIL.hedgeBudget.ratio * 100, { min: 0, max: 50, integer: false }),
  /** Once an answer flows, silence is never cut sooner than this (above the API's ping cadence). */
  stallFloorSeconds: numberSetting('tail.stallFloorSeconds', CORE_TAIL.stallFloorMs / 1000, { min: 1, max: 3600, integer: false }),
  /** Fraction of attempts (0..1) answered 529 that raises the alert. */
  alertThreshold: numberSetting('alert.threshold', 0.05, { min: 0.001, max: 1, integer: false }),
  alertWindowMinutes: numberSetting('alert.windowMinutes', 5, { min: 1, max: 120, integer: true }),
  /** '' means the SDK's default base URL. */
  baseUrl: setting('baseUrl', '', { type: 'string', scope: 'machine', restricted: true }, readBaseUrl),
  headers: setting('headers', {} as Readonly<Record<string, string>>, { type: 'object', scope: 'machine', restricted: true }, readHeaders),
  /** '' means no rehearsal at startup. */
  rehearsalScenario: setting('rehearsal.scenario', '', { type: 'string', enum: ['', ...SHIPPED_SCENARIOS] }, readScenario),
  /** Providers tried in order for each model (failover); never empty, no repeats. */
  providers: setting('providers', ['anthropic'] as readonly ProviderId[], { type: 'array', enum: PROVIDERS }, readProviders),
  bedrockRegion: patternSetting('bedrock.region', 'us-east-1', AWS_REGION, 'an AWS region such as "us-east-1"'),
  /** '' means Bedrock's own endpoint for the region. */
  bedrockBaseUrl: setting('bedrock.baseUrl', '', { type: 'string', scope: 'machine', restricted: true }, readBaseUrl),
  /** A profile of ~/.aws/config and ~/.aws/credentials; '' means the AWS default chain. */
  bedrockProfile: patternSetting(
    'bedrock.profile',
    '',
    AWS_PROFILE,
    'the name of a profile in ~/.aws/config or ~/.aws/credentials, such as "bedrock-dev", or empty for the default chain',
    { scope: 'machine-overridable', restricted: true },
  ),
  /** API model id → Bedrock model id or inference profile (ARN); unmapped ids use `global.anthropic.<id>`. */
  bedrockModelIds: modelIdsSetting('bedrock.modelIds', BEDROCK_MODEL_ID, 'a Bedrock model id such as "us.anthropic.claude-opus-5-5-v1:0" or an inference profile ARN'),
  /** '' until the user sets it; Vertex is left out of the providers without it. */
  vertexProjectId: patternSetting('vertex.projectId', '', GCP_PROJECT_ID, 'a Google Cloud project id such as "my-project-123"'),
  vertexRegion: patternSetting('vertex.region', 'us-east5', GCP_REGION, 'a Vertex AI region such as "us-east5" or "global"'),
  /** '' means Vertex's own endpoint for the region. */
  vertexBaseUrl: setting('vertex.baseUrl', '', { type: 'string', scope: 'machine', restricted: true }, readBaseUrl),
  /** API model id → Vertex model id (e.g. a dated `claude-…@20261101`); unmapped ids are sent as they are. */
  vertexModelIds: modelIdsSetting('vertex.modelIds', VERTEX_MODEL_ID, 'a Vertex model id such as "claude-opus-5-5@20261101"'),
} as const satisfies SettingsTable;

export type ExtensionSettings = SettingsOf<typeof SETTINGS_TABLE>;

/** The batch lane's settings, read where they are used; a bad value falls back to its default without a warning. */
export const BATCH_SETTINGS_TABLE = {
  /** '' means the primary model (`resilientClaude.model`). */
  model: patternSetting('batch.model', '', /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'a model id, or empty for the primary model'),
  maxTokens: numberSetting('batch.maxTokens', 4096, { min: 1, max: 128_000, integer: true }),
  /** The first wait before a running batch is checked; later checks back off to 10 minutes. */
  pollSeconds: numberSetting('batch.pollSeconds', 30, { min: 1, max: 3600, integer: false }),
} as const satisfies SettingsTable;

/** The status page check in the diagnostics view, read where it is used. */
export const STATUS_PAGE_SETTINGS_TABLE = {
  enabled: booleanSetting('statusPage.enabled', true),
  url: setting('statusPage.url', 'https://status.claude.com/api/v2/summary.json', { type: 'string', scope: 'machine' }, readStatusPageUrl),
} as const satisfies SettingsTable;

/** One broker per user shares breakers and budgets between windows; read once at activation. */
export const SHARED_MANAGER_SETTING = booleanSetting('sharedManager', true, { scope: 'machine' });

/** The local endpoint for terminals' Claude clients (src/extension/endpoint), read where it is used.
 *  On/off and the key are the user's alone ('application': a workspace cannot turn them on). */
export const ENDPOINT_SETTINGS_TABLE = {
  terminals: booleanSetting('endpoint.terminals', false, { scope: 'application' }),
  useEditorKey: booleanSetting('endpoint.useEditorKey', false, { scope: 'application' }),
  /** 0: a free port. */
  port: numberSetting('endpoint.port', 0, { min: 0, max: 65535, integer: true }),
} as const satisfies SettingsTable;

/** Every setting package.json contributes, each from its row above. */
export const CONTRIBUTED_SETTINGS: readonly SettingSpec<unknown>[] = [
  ...Object.values(SETTINGS_TABLE),
  ...Object.values(BATCH_SETTINGS_TABLE),
  ...Object.values(STATUS_PAGE_SETTINGS_TABLE),
  ...Object.values(ENDPOINT_SETTINGS_TABLE),
  SHARED_MANAGER_SETTING,
];

/** Setting keys below the `resilientClaude.` section. */
export const SETTING_KEYS = keysOf(SETTINGS_TABLE);

export const SETTINGS_SECTION = 'resilientClaude';

/** Settings that could send traffic (and the key) elsewhere, or pick whose AWS identity signs: ignored from untrusted workspaces. */
export const TRAFFIC_SETTINGS: readonly string[] = Object.values(SETTINGS_TABLE)
  .filter((spec: SettingSpec<unknown>) => spec.manifest.restricted === true)
  .map((spec) => spec.key);

export const DEFAULT_SETTINGS: ExtensionSettings = defaultsOf(SETTINGS_TABLE);

export interface SettingProblem {
  /** Full setting id, e.g. `resilientClaude.retry.maxAttempts`. */
  readonly setting: string;
  /** Plain-language reason; never repeats a header value. */
  readonly message: string;
}

export interface ValidatedSettings {
  readonly settings: ExtensionSettings;
  readonly problems: readonly SettingProblem[];
}

/** Raw values by key below the section (as `SETTING_KEYS`); `undefined` means unset. */
export type RawSettings = Readonly<Record<string, unknown>>;

export function validateSettings(raw: RawSettings): ValidatedSettings {
  const problems: SettingProblem[] = [];
  const report = (key: string, message: string): void => {
    problems.push({ setting: `${SETTINGS_SECTION}.${key}`, message });
  };
  const read = readTable(SETTINGS_TABLE, (key) => raw[key], report);
  const settings: ExtensionSettings = { ...read, fallbackModels: read.fallbackModels.filter((m) => m !== read.model) };
  if (settings.providers.includes('vertex') && settings.vertexProjectId === '') {
    const remaining = settings.providers.filter((p) => p !== 'vertex');
    report(
      SETTING_KEYS.providers,
      `includes "vertex" but ${SETTINGS_SECTION}.${SETTING_KEYS.vertexProjectId} is not set; ` +
        (remaining.length > 0 ? 'Vertex is left out for now.' : 'using "anthropic".'),
    );
    return { settings: { ...settings, providers: remaining.length > 0 ? remaining : ['anthropic'] }, problems };
  }
  return { settings, problems };
}

/** The model chain the manager should try: primary first, then the fallbacks. */
export function modelChain(settings: ExtensionSettings): string[] {
  return [settings.model, ...settings.fallbackModels.filter((m) => m !== settings.model)];
}

function readModel(value: unknown, fallback: string, report: Report): string {
  if (typeof value !== 'string' || !MODEL_ID_PATTERN.test(value.trim())) {
    report(`must be a model id such as "${PRIMARY_MODEL}"; using "${fallback}".`);
    return fallback;
  }
  return value.trim();
}

function readModelList(value: unknown, fallback: readonly string[], report: Report): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !MODEL_ID_PATTERN.test(v.trim()))) {
    report(`must be a list of model ids; using ${fallback.map((m) => `"${m}"`).join(', ')}.`);
    return fallback;
  }
  const unique: string[] = [];
  for (const v of value as string[]) {
    const id = v.trim();
    if (!unique.includes(id)) unique.push(id);
  }
  return unique;
}

function readBaseUrl(value: unknown, fallback: string, report: Report): string {
  if (value === '') return fallback;
  if (typeof value === 'string' && parseHttpUrl(value) !== null) return value.trim().replace(/\/+$/, '');
  report(`must be ${HTTP_URL_RULE}, or empty for the default; using the default.`);
  return fallback;
}

function readStatusPageUrl(value: unknown, fallback: string, report: Report): string {
  if (typeof value === 'string' && parseHttpUrl(value) !== null) return value.trim();
  report(`must be ${HTTP_URL_RULE}; using "${fallback}".`);
  return fallback;
}

function readHeaders(value: unknown, fallback: Readonly<Record<string, string>>, report: Report): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report('must be an object of header names to string values; using no extra headers.');
    return fallback;
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name) || typeof v !== 'string' || /[\r\n]/.test(v)) {
      report(`has an invalid entry "${HEADER_NAME.test(name) ? name : 'header name'}"; using no extra headers.`);
      return fallback;
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      report(`cannot set "${name}" (the API key is kept in secret storage); using no extra headers.`);
      return fallback;
    }
    headers[name] = v;
  }
  return headers;
}

/** An object of API model ids to a provider's model ids; one bad entry drops the overrides (like headers), naming it. */
function modelIdsSetting(key: string, target: RegExp, what: string): SettingSpec<Readonly<Record<string, string>>> {
  return setting(key, {} as Readonly<Record<string, string>>, { type: 'object' }, (value, fallback, report) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      report('must be an object of API model ids to the provider\'s model ids, e.g. { "claude-opus-5-5": "…" }; using no overrides.');
      return fallback;
    }
    const ids: Record<string, string> = {};
    for (const [model, mapped] of Object.entries(value as Record<string, unknown>)) {
      if (!MODEL_ID_PATTERN.test(model)) {
        report(`has a key that is not a model id (${JSON.stringify(model.slice(0, 60))}); keys are API model ids such as "${PRIMARY_MODEL}"; using no overrides.`);
        return fallback;
      }
      if (typeof mapped !== 'string' || !target.test(mapped.trim())) {
        report(`maps "${model}" to ${typeof mapped === 'string' ? JSON.stringify(mapped.slice(0, 80)) : 'a non-string'}, which is not ${what}; using no overrides.`);
        return fallback;
      }
      ids[model] = mapped.trim();
    }
    return ids;
  });
}

function readProviders(value: unknown, fallback: readonly ProviderId[], report: Report): readonly ProviderId[] {
  const known = (v: unknown): v is ProviderId => typeof v === 'string' && (PROVIDERS as readonly string[]).includes(v);
  if (!Array.isArray(value) || value.length === 0 || !value.every(known) || new Set(value).size !== value.length) {
    report(
      `must list each of ${PROVIDERS.map((p) => `"${p}"`).join(', ')} at most once, in the order to try them; using "anthropic".`,
    );
    return fallback;
  }
  return [...value];
}

function readScenario(value: unknown, fallback: string, report: Report): string {
  if (value === '') return fallback;
  if (typeof value === 'string' && (SHIPPED_SCENARIOS as readonly string[]).includes(value)) return value;
  report(`must be one of ${SHIPPED_SCENARIOS.map((s) => `"${s}"`).join(', ')} or empty; no rehearsal started.`);
  return fallback;
}
