// The extension's settings as plain data, and the pure validator that turns raw
// configuration values into them. Invalid values are reported (naming the
// setting) and replaced by the default; nothing here imports 'vscode'.
import { MODEL_ID_PATTERN, PROVIDERS } from '../shared/vocabulary';
import type { ProviderId } from '../core/types';

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

export interface ExtensionSettings {
  readonly model: string;
  readonly fallbackModels: readonly string[];
  readonly maxAttempts: number;
  readonly deadlineSeconds: number;
  readonly failureThreshold: number;
  readonly openSeconds: number;
  readonly concurrency: number;
  /** A late first token is never hedged sooner than this after its attempt started. */
  readonly hedgeFloorSeconds: number;
  /** Hedges per route at most this share of its requests (percent, 0 = never hedge). */
  readonly hedgeBudgetPercent: number;
  /** Once an answer flows, silence is never cut sooner than this (above the API's ping cadence). */
  readonly stallFloorSeconds: number;
  /** Fraction of attempts (0..1) answered 529 that raises the alert. */
  readonly alertThreshold: number;
  readonly alertWindowMinutes: number;
  /** '' means the SDK's default base URL. */
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** '' means no rehearsal at startup. */
  readonly rehearsalScenario: string;
  /** Providers tried in order for each model (failover); never empty, no repeats. */
  readonly providers: readonly ProviderId[];
  readonly bedrockRegion: string;
  /** '' means Bedrock's own endpoint for the region. */
  readonly bedrockBaseUrl: string;
  /** A profile of ~/.aws/config and ~/.aws/credentials; '' means the AWS default chain. */
  readonly bedrockProfile: string;
  /** API model id → Bedrock model id or inference profile (ARN); unmapped ids use `global.anthropic.<id>`. */
  readonly bedrockModelIds: Readonly<Record<string, string>>;
  /** '' until the user sets it; Vertex is left out of the providers without it. */
  readonly vertexProjectId: string;
  readonly vertexRegion: string;
  /** '' means Vertex's own endpoint for the region. */
  readonly vertexBaseUrl: string;
  /** API model id → Vertex model id (e.g. a dated `claude-…@20261101`); unmapped ids are sent as they are. */
  readonly vertexModelIds: Readonly<Record<string, string>>;
}

/** Setting keys below the `resilientClaude.` section. */
export const SETTING_KEYS = {
  model: 'model',
  fallbackModels: 'fallbackModels',
  maxAttempts: 'retry.maxAttempts',
  deadlineSeconds: 'retry.deadlineSeconds',
  failureThreshold: 'breaker.failureThreshold',
  openSeconds: 'breaker.openSeconds',
  concurrency: 'concurrency',
  hedgeFloorSeconds: 'tail.hedgeFloorSeconds',
  hedgeBudgetPercent: 'tail.hedgeBudgetPercent',
  stallFloorSeconds: 'tail.stallFloorSeconds',
  alertThreshold: 'alert.threshold',
  alertWindowMinutes: 'alert.windowMinutes',
  baseUrl: 'baseUrl',
  headers: 'headers',
  rehearsalScenario: 'rehearsal.scenario',
  providers: 'providers',
  bedrockRegion: 'bedrock.region',
  bedrockBaseUrl: 'bedrock.baseUrl',
  bedrockProfile: 'bedrock.profile',
  bedrockModelIds: 'bedrock.modelIds',
  vertexProjectId: 'vertex.projectId',
  vertexRegion: 'vertex.region',
  vertexBaseUrl: 'vertex.baseUrl',
  vertexModelIds: 'vertex.modelIds',
} as const satisfies Record<keyof ExtensionSettings, string>;

export const SETTINGS_SECTION = 'resilientClaude';

/** Settings that could send traffic (and the key) elsewhere, or pick whose AWS identity signs: ignored from untrusted workspaces. */
export const TRAFFIC_SETTINGS: readonly string[] = [
  SETTING_KEYS.baseUrl,
  SETTING_KEYS.headers,
  SETTING_KEYS.bedrockBaseUrl,
  SETTING_KEYS.vertexBaseUrl,
  SETTING_KEYS.bedrockProfile,
];

export const DEFAULT_SETTINGS: ExtensionSettings = {
  model: 'claude-opus-5-5',
  fallbackModels: ['claude-sonnet-5-5', 'claude-haiku-5-5'],
  maxAttempts: 6,
  deadlineSeconds: 120,
  failureThreshold: 3,
  openSeconds: 2,
  concurrency: 8,
  hedgeFloorSeconds: 0.25,
  hedgeBudgetPercent: 10,
  stallFloorSeconds: 35,
  alertThreshold: 0.05,
  alertWindowMinutes: 5,
  baseUrl: '',
  headers: {},
  rehearsalScenario: '',
  providers: ['anthropic'],
  bedrockRegion: 'us-east-1',
  bedrockBaseUrl: '',
  bedrockProfile: '',
  bedrockModelIds: {},
  vertexProjectId: '',
  vertexRegion: 'us-east5',
  vertexBaseUrl: '',
  vertexModelIds: {},
};

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

interface NumberBounds {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export const NUMBER_BOUNDS = {
  maxAttempts: { min: 1, max: 20, integer: true },
  deadlineSeconds: { min: 5, max: 600, integer: false },
  failureThreshold: { min: 1, max: 100, integer: true },
  openSeconds: { min: 1, max: 3600, integer: false },
  concurrency: { min: 1, max: 64, integer: true },
  hedgeFloorSeconds: { min: 0.05, max: 600, integer: false },
  hedgeBudgetPercent: { min: 0, max: 50, integer: false },
  stallFloorSeconds: { min: 1, max: 3600, integer: false },
  alertThreshold: { min: 0.001, max: 1, integer: false },
  alertWindowMinutes: { min: 1, max: 120, integer: true },
} as const satisfies Partial<Record<keyof ExtensionSettings, NumberBounds>>;

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

export function validateSettings(raw: RawSettings): ValidatedSettings {
  const problems: SettingProblem[] = [];
  const report = (key: string, message: string): void => {
    problems.push({ setting: `${SETTINGS_SECTION}.${key}`, message });
  };

  const model = readModel(raw[SETTING_KEYS.model], DEFAULT_SETTINGS.model, (m) => report(SETTING_KEYS.model, m));
  const fallbackModels = readModelList(raw[SETTING_KEYS.fallbackModels], (m) =>
    report(SETTING_KEYS.fallbackModels, m),
  ).filter((m) => m !== model);

  const number = (key: keyof typeof NUMBER_BOUNDS): number =>
    readNumber(raw[SETTING_KEYS[key]], DEFAULT_SETTINGS[key], NUMBER_BOUNDS[key], (m) => report(SETTING_KEYS[key], m));

  const settings: ExtensionSettings = {
    model,
    fallbackModels,
    maxAttempts: number('maxAttempts'),
    deadlineSeconds: number('deadlineSeconds'),
    failureThreshold: number('failureThreshold'),
    openSeconds: number('openSeconds'),
    concurrency: number('concurrency'),
    hedgeFloorSeconds: number('hedgeFloorSeconds'),
    hedgeBudgetPercent: number('hedgeBudgetPercent'),
    stallFloorSeconds: number('stallFloorSeconds'),
    alertThreshold: number('alertThreshold'),
    alertWindowMinutes: number('alertWindowMinutes'),
    baseUrl: readBaseUrl(raw[SETTING_KEYS.baseUrl], (m) => report(SETTING_KEYS.baseUrl, m)),
    headers: readHeaders(raw[SETTING_KEYS.headers], (m) => report(SETTING_KEYS.headers, m)),
    rehearsalScenario: readScenario(raw[SETTING_KEYS.rehearsalScenario], (m) =>
      report(SETTING_KEYS.rehearsalScenario, m),
    ),
    providers: readProviders(raw[SETTING_KEYS.providers], (m) => report(SETTING_KEYS.providers, m)),
    bedrockRegion: readPattern(raw[SETTING_KEYS.bedrockRegion], AWS_REGION, DEFAULT_SETTINGS.bedrockRegion, 'an AWS region such as "us-east-1"', (m) =>
      report(SETTING_KEYS.bedrockRegion, m),
    ),
    bedrockBaseUrl: readBaseUrl(raw[SETTING_KEYS.bedrockBaseUrl], (m) => report(SETTING_KEYS.bedrockBaseUrl, m)),
    bedrockProfile: readPattern(raw[SETTING_KEYS.bedrockProfile], AWS_PROFILE, '', 'the name of a profile in ~/.aws/config or ~/.aws/credentials, such as "bedrock-dev", or empty for the default chain', (m) =>
      report(SETTING_KEYS.bedrockProfile, m),
    ),
    bedrockModelIds: readModelIds(raw[SETTING_KEYS.bedrockModelIds], BEDROCK_MODEL_ID, 'a Bedrock model id such as "us.anthropic.claude-opus-5-5-v1:0" or an inference profile ARN', (m) =>
      report(SETTING_KEYS.bedrockModelIds, m),
    ),
    vertexProjectId: readPattern(raw[SETTING_KEYS.vertexProjectId], GCP_PROJECT_ID, '', 'a Google Cloud project id such as "my-project-123"', (m) =>
      report(SETTING_KEYS.vertexProjectId, m),
    ),
    vertexRegion: readPattern(raw[SETTING_KEYS.vertexRegion], GCP_REGION, DEFAULT_SETTINGS.vertexRegion, 'a Vertex AI region such as "us-east5" or "global"', (m) =>
      report(SETTING_KEYS.vertexRegion, m),
    ),
    vertexBaseUrl: readBaseUrl(raw[SETTING_KEYS.vertexBaseUrl], (m) => report(SETTING_KEYS.vertexBaseUrl, m)),
    vertexModelIds: readModelIds(raw[SETTING_KEYS.vertexModelIds], VERTEX_MODEL_ID, 'a Vertex model id such as "claude-opus-5-5@20261101"', (m) =>
      report(SETTING_KEYS.vertexModelIds, m),
    ),
  };
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

function readModel(value: unknown, fallback: string, report: (m: string) => void): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !MODEL_ID_PATTERN.test(value.trim())) {
    report(`must be a model id such as "${DEFAULT_SETTINGS.model}"; using "${fallback}".`);
    return fallback;
  }
  return value.trim();
}

function readModelList(value: unknown, report: (m: string) => void): string[] {
  if (value === undefined || value === null) return [...DEFAULT_SETTINGS.fallbackModels];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !MODEL_ID_PATTERN.test(v.trim()))) {
    report(`must be a list of model ids; using ${DEFAULT_SETTINGS.fallbackModels.map((m) => `"${m}"`).join(', ')}.`);
    return [...DEFAULT_SETTINGS.fallbackModels];
  }
  const unique: string[] = [];
  for (const v of value as string[]) {
    const id = v.trim();
    if (!unique.includes(id)) unique.push(id);
  }
  return unique;
}

function readNumber(value: unknown, fallback: number, bounds: NumberBounds, report: (m: string) => void): number {
  if (value === undefined || value === null) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= bounds.min &&
    value <= bounds.max &&
    (!bounds.integer || Number.isInteger(value));
  if (!ok) {
    const kind = bounds.integer ? 'a whole number' : 'a number';
    report(`must be ${kind} from ${bounds.min} to ${bounds.max}; using ${fallback}.`);
    return fallback;
  }
  return value as number;
}

function readBaseUrl(value: unknown, report: (m: string) => void): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') {
    try {
      const url = new URL(value.trim());
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) {
        return value.trim().replace(/\/+$/, '');
      }
    } catch {
      // reported below
    }
  }
  report('must be an http(s) URL without credentials, or empty for the default; using the default.');
  return '';
}

function readHeaders(value: unknown, report: (m: string) => void): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    report('must be an object of header names to string values; using no extra headers.');
    return {};
  }
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!HEADER_NAME.test(name) || typeof v !== 'string' || /[\r\n]/.test(v)) {
      report(`has an invalid entry "${HEADER_NAME.test(name) ? name : 'header name'}"; using no extra headers.`);
      return {};
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      report(`cannot set "${name}" (the API key is kept in secret storage); using no extra headers.`);
      return {};
    }
    headers[name] = v;
  }
  return headers;
}

/** An object of API model ids to a provider's model ids; one bad entry drops the overrides (like headers), naming it. */
function readModelIds(value: unknown, target: RegExp, what: string, report: (m: string) => void): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    report('must be an object of API model ids to the provider\'s model ids, e.g. { "claude-opus-5-5": "…" }; using no overrides.');
    return {};
  }
  const ids: Record<string, string> = {};
  for (const [model, mapped] of Object.entries(value as Record<string, unknown>)) {
    if (!MODEL_ID_PATTERN.test(model)) {
      report(`has a key that is not a model id (${JSON.stringify(model.slice(0, 60))}); keys are API model ids such as "${DEFAULT_SETTINGS.model}"; using no overrides.`);
      return {};
    }
    if (typeof mapped !== 'string' || !target.test(mapped.trim())) {
      report(`maps "${model}" to ${typeof mapped === 'string' ? JSON.stringify(mapped.slice(0, 80)) : 'a non-string'}, which is not ${what}; using no overrides.`);
      return {};
    }
    ids[model] = mapped.trim();
  }
  return ids;
}

function readProviders(value: unknown, report: (m: string) => void): ProviderId[] {
  if (value === undefined || value === null) return [...DEFAULT_SETTINGS.providers];
  const known = (v: unknown): v is ProviderId => typeof v === 'string' && (PROVIDERS as readonly string[]).includes(v);
  if (!Array.isArray(value) || value.length === 0 || !value.every(known) || new Set(value).size !== value.length) {
    report(
      `must list each of ${PROVIDERS.map((p) => `"${p}"`).join(', ')} at most once, in the order to try them; using "anthropic".`,
    );
    return [...DEFAULT_SETTINGS.providers];
  }
  return [...value];
}

function readPattern(value: unknown, pattern: RegExp, fallback: string, what: string, report: (m: string) => void): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && pattern.test(value.trim())) return value.trim();
  report(`must be ${what}; using ${fallback === '' ? 'none' : `"${fallback}"`}.`);
  return fallback;
}

function readScenario(value: unknown, report: (m: string) => void): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string' && (SHIPPED_SCENARIOS as readonly string[]).includes(value)) return value;
  report(`must be one of ${SHIPPED_SCENARIOS.map((s) => `"${s}"`).join(', ')} or empty; no rehearsal started.`);
  return '';
}
