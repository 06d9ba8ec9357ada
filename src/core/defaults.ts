// Sensible defaults and a validator that turns user settings (plain JSON from
// VS Code or a CLI) into a complete ManagerConfig, naming every bad field and
// falling back to the default for it.
import { MODEL_ID_PATTERN, PROVIDERS } from '../shared/vocabulary';
import type { BreakerConfig, BudgetConfig, ManagerConfig, ProviderConfig, RetryConfig, PacingConfig, TailConfig } from './contract';
import type { ProviderId } from './types';
import { isRecord } from '../shared/isRecord';
import { HTTP_URL_RULE, httpUrlProblem } from '../shared/httpUrl';

export const DEFAULT_MODELS: readonly string[] = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];

/** Background work under 80% of the tier, as Anthropic's guidance suggests; interactive work may use the rest. */
export const DEFAULT_PACING: PacingConfig = { mode: 'proactive', share: 0.8 };

/** Hedge a first token that is late past the route's learned high quantile (×1.5, never within
 *  250 ms; 6 s until the route has answered a few times), at most 10% of a route's requests a minute
 *  (3 at least); cut a body that sends nothing 50 ms after its headers on a route whose bodies are
 *  learned to start with them (the API sends message_start at once), else after 2× the hedge threshold; cut a
 *  flowing stream after 8× its own gaps of silence, never within 35 s (the API pings every 15–30 s). */
export const DEFAULT_TAIL: TailConfig = {
  hedge: true,
  hedgeFloorMs: 250,
  hedgeFactor: 1.5,
  hedgeColdMs: 6_000,
  hedgeBudget: { ratio: 0.1, minPerWindow: 3, windowMs: 60_000 },
  firstByteFloorMs: 50,
  stallFloorMs: 35_000,
  stallGapMultiple: 8,
};

export function defaultManagerConfig(): ManagerConfig {
  return {
    models: [...DEFAULT_MODELS],
    providers: [{ id: 'anthropic' }],
    retry: {
      maxAttempts: 6,
      maxAttemptsPerRoute: 3,
      deadlineMs: 120_000,
      baseDelayMs: 500,
      maxDelayMs: 8_000,
      retryAfterCapMs: 20_000,
      jitter: 'full',
    },
    // One user's request rate: a half-open probe costs a single fast attempt that
    // then falls back, so probing every few seconds is cheap, and a cap of 30 s
    // bounds how long a recovered model goes unnoticed during a long outage.
    breaker: { failureThreshold: 3, openMs: 2_000, maxOpenMs: 30_000 },
    budget: { ratio: 0.2, minRetries: 3, windowMs: 60_000 },
    // Attempts in flight for one user (every window shares the broker's manager); a stalled
    // connection holds its slot until it is cut, so the cap leaves room for a few.
    concurrency: 8,
    pacing: DEFAULT_PACING,
    headersTimeoutMs: 60_000,
    // Before the first content: above the API's ping cadence (15–30 s); the hedge acts long before.
    idleTimeoutMs: 45_000,
    tail: DEFAULT_TAIL,
  };
}

export interface ConfigProblem {
  /** Dotted path of the bad field, e.g. `retry.maxAttempts`. */
  readonly field: string;
  readonly message: string;
}

export interface ValidatedConfig {
  readonly config: ManagerConfig;
  readonly problems: readonly ConfigProblem[];
}

type Record_ = Record<string, unknown>;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

class Checker {
  readonly problems: ConfigProblem[] = [];

  number(source: Record_, key: string, path: string, fallback: number, opts: { min: number; max?: number; integer?: boolean }): number {
    const value = source[key];
    if (value === undefined) return fallback;
    const okType = typeof value === 'number' && Number.isFinite(value);
    const okInt = !opts.integer || Number.isInteger(value);
    const okRange = okType && (value as number) >= opts.min && (opts.max === undefined || (value as number) <= opts.max);
    if (okType && okInt && okRange) return value as number;
    const kind = opts.integer ? 'an integer' : 'a number';
    const range = opts.max === undefined ? `≥ ${opts.min}` : `between ${opts.min} and ${opts.max}`;
    this.problems.push({ field: path, message: `${path} must be ${kind} ${range} (got ${describe(value)}); using ${fallback}` });
    return fallback;
  }

  section(source: Record_, key: string): Record_ {
    const value = source[key];
    if (value === undefined) return {};
    if (isRecord(value)) return value;
    this.problems.push({ field: key, message: `${key} must be an object (got ${describe(value)}); using the defaults` });
    return {};
  }
}

function checkProviders(raw: unknown, checker: Checker, fallback: readonly ProviderConfig[]): ProviderConfig[] {
  if (raw === undefined) return [...fallback];
  if (!Array.isArray(raw) || raw.length === 0) {
    checker.problems.push({ field: 'providers', message: `providers must be a non-empty list (got ${describe(raw)}); using anthropic` });
    return [...fallback];
  }
  const providers: ProviderConfig[] = [];
  raw.forEach((entry: unknown, index: number) => {
    const path = `providers[${index}]`;
    if (!isRecord(entry) || typeof entry['id'] !== 'string' || !(PROVIDERS as readonly string[]).includes(entry['id'])) {
      checker.problems.push({ field: `${path}.id`, message: `${path}.id must be one of ${PROVIDERS.join(', ')}; ignoring this provider` });
      return;
    }
    const id = entry['id'] as ProviderId;
    const baseURL = entry['baseURL'];
    const urlProblem = baseURL === undefined ? null : httpUrlProblem(baseURL);
    if (urlProblem !== null) {
      checker.problems.push({ field: `${path}.baseURL`, message: `${path}.baseURL must be ${HTTP_URL_RULE} (${urlProblem}); ignoring this provider` });
      return;
    }
    if (id === 'vertex' && (typeof entry['projectId'] !== 'string' || typeof entry['region'] !== 'string')) {
      checker.problems.push({ field: path, message: `${path}: Vertex needs projectId and region; ignoring this provider` });
      return;
    }
    if (id === 'bedrock' && typeof entry['region'] !== 'string') {
      checker.problems.push({ field: path, message: `${path}: Bedrock needs a region; ignoring this provider` });
      return;
    }
    const awsKeys: Record<string, unknown> = {};
    for (const name of ['awsAccessKeyId', 'awsSecretAccessKey', 'awsSessionToken'] as const) {
      if (typeof entry[name] === 'function') awsKeys[name] = entry[name];
      else if (entry[name] !== undefined) checker.problems.push({ field: `${path}.${name}`, message: `${path}.${name} must be a function returning the key; ignoring it` });
    }
    const awsProfile = entry['awsProfile'];
    if (awsProfile !== undefined && typeof awsProfile !== 'string') {
      checker.problems.push({ field: `${path}.awsProfile`, message: `${path}.awsProfile must be the name of an AWS profile; using the default chain` });
    }
    const modelIds = entry['modelIds'];
    const cleanModelIds: Record<string, string> = {};
    if (isRecord(modelIds)) {
      for (const [model, bedrockId] of Object.entries(modelIds)) {
        if (typeof bedrockId === 'string' && bedrockId !== '') cleanModelIds[model] = bedrockId;
        else checker.problems.push({ field: `${path}.modelIds.${model}`, message: `${path}.modelIds.${model} must be a model id; ignoring it` });
      }
    } else if (modelIds !== undefined) {
      checker.problems.push({ field: `${path}.modelIds`, message: `${path}.modelIds must map model ids to provider model ids; ignoring it` });
    }
    const apiKey = entry['apiKey'];
    if (apiKey !== undefined && typeof apiKey !== 'function') {
      checker.problems.push({ field: `${path}.apiKey`, message: `${path}.apiKey must be a function returning the key; ignoring it` });
    }
    const headers = entry['headers'];
    const cleanHeaders: Record<string, string> = {};
    if (isRecord(headers)) {
      for (const [name, value] of Object.entries(headers)) {
        if (typeof value === 'string') cleanHeaders[name] = value;
        else checker.problems.push({ field: `${path}.headers.${name}`, message: `${path}.headers.${name} must be a string; ignoring it` });
      }
    }
    providers.push({
      id,
      ...(typeof baseURL === 'string' ? { baseURL } : {}),
      ...(typeof apiKey === 'function' ? { apiKey: apiKey as ProviderConfig['apiKey'] } : {}),
      ...(id === 'anthropic' && typeof entry['authToken'] === 'function' ? { authToken: entry['authToken'] as ProviderConfig['authToken'] } : {}),
      ...(isRecord(headers) ? { headers: cleanHeaders } : {}),
      ...(typeof entry['projectId'] === 'string' ? { projectId: entry['projectId'] } : {}),
      ...(typeof entry['region'] === 'string' ? { region: entry['region'] } : {}),
      ...(awsKeys as Pick<ProviderConfig, 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken'>),
      ...(isRecord(modelIds) ? { modelIds: cleanModelIds } : {}),
      ...(typeof awsProfile === 'string' && awsProfile.trim() !== '' ? { awsProfile: awsProfile.trim() } : {}),
    });
  });
  if (providers.length === 0) {
    checker.problems.push({ field: 'providers', message: 'no usable provider left; using anthropic' });
    return [...fallback];
  }
  return providers;
}

function checkModels(raw: unknown, checker: Checker, fallback: readonly string[]): string[] {
  if (raw === undefined) return [...fallback];
  if (!Array.isArray(raw)) {
    checker.problems.push({ field: 'models', message: `models must be a list of model ids (got ${describe(raw)}); using ${fallback.join(', ')}` });
    return [...fallback];
  }
  const models: string[] = [];
  raw.forEach((entry: unknown, index: number) => {
    if (typeof entry === 'string' && MODEL_ID_PATTERN.test(entry)) {
      if (!models.includes(entry)) models.push(entry);
    } else {
      checker.problems.push({ field: `models[${index}]`, message: `models[${index}] is not a model id (got ${describe(entry)}); ignoring it` });
    }
  });
  if (models.length === 0) {
    checker.problems.push({ field: 'models', message: `models has no valid model id; using ${fallback.join(', ')}` });
    return [...fallback];
  }
  return models;
}

/**
 * Validates a partial configuration (any JSON-ish value). Missing fields take
 * the defaults; bad fields are reported and take the defaults too.
 */
export function validateManagerConfig(partial: unknown): ValidatedConfig {
  const defaults = defaultManagerConfig();
  const checker = new Checker();
  const source: Record_ = isRecord(partial) ? partial : {};
  if (partial !== undefined && !isRecord(partial)) {
    checker.problems.push({ field: '', message: `configuration must be an object (got ${describe(partial)}); using the defaults` });
  }
  const r = checker.section(source, 'retry');
  const d = defaults.retry;
  const jitterRaw = r['jitter'];
  let jitter: 'full' | 'decorrelated' = d.jitter ?? 'full';
  if (jitterRaw === 'full' || jitterRaw === 'decorrelated') jitter = jitterRaw;
  else if (jitterRaw !== undefined) checker.problems.push({ field: 'retry.jitter', message: `retry.jitter must be "full" or "decorrelated" (got ${describe(jitterRaw)}); using ${jitter}` });
  const retry: RetryConfig = {
    maxAttempts: checker.number(r, 'maxAttempts', 'retry.maxAttempts', d.maxAttempts, { min: 1, max: 50, integer: true }),
    maxAttemptsPerRoute: checker.number(r, 'maxAttemptsPerRoute', 'retry.maxAttemptsPerRoute', d.maxAttemptsPerRoute, { min: 1, max: 50, integer: true }),
    deadlineMs: checker.number(r, 'deadlineMs', 'retry.deadlineMs', d.deadlineMs, { min: 1, max: 3_600_000 }),
    baseDelayMs: checker.number(r, 'baseDelayMs', 'retry.baseDelayMs', d.baseDelayMs, { min: 0, max: 600_000 }),
    maxDelayMs: checker.number(r, 'maxDelayMs', 'retry.maxDelayMs', d.maxDelayMs, { min: 0, max: 600_000 }),
    retryAfterCapMs: checker.number(r, 'retryAfterCapMs', 'retry.retryAfterCapMs', d.retryAfterCapMs, { min: 0, max: 3_600_000 }),
    jitter,
  };
  const b = checker.section(source, 'breaker');
  const breakerOpen = checker.number(b, 'openMs', 'breaker.openMs', defaults.breaker.openMs, { min: 1, max: 3_600_000 });
  const breaker: BreakerConfig = {
    failureThreshold: checker.number(b, 'failureThreshold', 'breaker.failureThreshold', defaults.breaker.failureThreshold, { min: 1, max: 1000, integer: true }),
    openMs: breakerOpen,
    maxOpenMs: checker.number(b, 'maxOpenMs', 'breaker.maxOpenMs', Math.max(defaults.breaker.maxOpenMs, breakerOpen), { min: breakerOpen, max: 86_400_000 }),
  };
  const g = checker.section(source, 'budget');
  const budget: BudgetConfig = {
    ratio: checker.number(g, 'ratio', 'budget.ratio', defaults.budget.ratio, { min: 0, max: 10 }),
    minRetries: checker.number(g, 'minRetries', 'budget.minRetries', defaults.budget.minRetries, { min: 0, max: 100_000, integer: true }),
    windowMs: checker.number(g, 'windowMs', 'budget.windowMs', defaults.budget.windowMs, { min: 1, max: 86_400_000 }),
  };
  const t = checker.section(source, 'tail');
  const dt = DEFAULT_TAIL;
  const hb = checker.section(t, 'hedgeBudget');
  const hedgeRaw = t['hedge'];
  if (hedgeRaw !== undefined && typeof hedgeRaw !== 'boolean') checker.problems.push({ field: 'tail.hedge', message: `tail.hedge must be true or false (got ${describe(hedgeRaw)}); using ${dt.hedge}` });
  const tail: TailConfig = {
    hedge: typeof hedgeRaw === 'boolean' ? hedgeRaw : dt.hedge,
    hedgeFloorMs: checker.number(t, 'hedgeFloorMs', 'tail.hedgeFloorMs', dt.hedgeFloorMs, { min: 50, max: 600_000 }),
    hedgeFactor: checker.number(t, 'hedgeFactor', 'tail.hedgeFactor', dt.hedgeFactor, { min: 1, max: 20 }),
    hedgeColdMs: checker.number(t, 'hedgeColdMs', 'tail.hedgeColdMs', dt.hedgeColdMs, { min: 50, max: 600_000 }),
    hedgeBudget: {
      ratio: checker.number(hb, 'ratio', 'tail.hedgeBudget.ratio', dt.hedgeBudget.ratio, { min: 0, max: 0.5 }),
      minPerWindow: checker.number(hb, 'minPerWindow', 'tail.hedgeBudget.minPerWindow', dt.hedgeBudget.minPerWindow, { min: 0, max: 1000, integer: true }),
      windowMs: checker.number(hb, 'windowMs', 'tail.hedgeBudget.windowMs', dt.hedgeBudget.windowMs, { min: 1000, max: 86_400_000 }),
    },
    firstByteFloorMs: checker.number(t, 'firstByteFloorMs', 'tail.firstByteFloorMs', dt.firstByteFloorMs, { min: 10, max: 600_000 }),
    stallFloorMs: checker.number(t, 'stallFloorMs', 'tail.stallFloorMs', dt.stallFloorMs, { min: 1000, max: 3_600_000 }),
    stallGapMultiple: checker.number(t, 'stallGapMultiple', 'tail.stallGapMultiple', dt.stallGapMultiple, { min: 2, max: 1000 }),
  };
  const config: ManagerConfig = {
    ...defaults,
    tail,
    ...pickInjected(source),
    models: checkModels(source['models'], checker, defaults.models),
    providers: checkProviders(source['providers'], checker, defaults.providers),
    retry,
    breaker,
    budget,
    concurrency: checker.number(source, 'concurrency', 'concurrency', defaults.concurrency, { min: 1, max: 10_000, integer: true }),
    pacing: checkPacing(checker, source),
    headersTimeoutMs: checker.number(source, 'headersTimeoutMs', 'headersTimeoutMs', defaults.headersTimeoutMs, { min: 1, max: 3_600_000 }),
    idleTimeoutMs: checker.number(source, 'idleTimeoutMs', 'idleTimeoutMs', defaults.idleTimeoutMs, { min: 1, max: 3_600_000 }),
  };
  if (config.retry.maxDelayMs < config.retry.baseDelayMs) {
    checker.problems.push({ field: 'retry.maxDelayMs', message: `retry.maxDelayMs (${config.retry.maxDelayMs}) is below retry.baseDelayMs (${config.retry.baseDelayMs}); using ${config.retry.baseDelayMs}` });
    return { config: { ...config, retry: { ...config.retry, maxDelayMs: config.retry.baseDelayMs } }, problems: checker.problems };
  }
  return { config, problems: checker.problems };
}

function checkPacing(checker: Checker, source: Record_): PacingConfig {
  const p = checker.section(source, 'pacing');
  const fallback = DEFAULT_PACING;
  let mode = fallback.mode;
  if (p['mode'] === 'proactive' || p['mode'] === 'reactive') mode = p['mode'];
  else if (p['mode'] !== undefined) checker.problems.push({ field: 'pacing.mode', message: `pacing.mode must be "proactive" or "reactive" (got ${describe(p['mode'])}); using ${mode}` });
  return { mode, share: checker.number(p, 'share', 'pacing.share', fallback.share, { min: 0.05, max: 1 }) };
}

function pickInjected(source: Record_): Partial<ManagerConfig> {
  const out: { -readonly [K in keyof ManagerConfig]?: ManagerConfig[K] } = {};
  const clock = source['clock'];
  if (isRecord(clock) && typeof clock['now'] === 'function' && typeof clock['sleep'] === 'function') out.clock = clock as unknown as ManagerConfig['clock'];
  if (typeof source['random'] === 'function') out.random = source['random'] as () => number;
  if (typeof source['clientName'] === 'string') out.clientName = source['clientName'];
  if (typeof source['unknownModelTtlMs'] === 'number' && source['unknownModelTtlMs'] >= 0) out.unknownModelTtlMs = source['unknownModelTtlMs'];
  return out;
}
