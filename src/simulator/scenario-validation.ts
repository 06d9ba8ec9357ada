// Checks an untrusted scenario (parsed JSON) field by field. Every problem is
// reported as a ScenarioError naming the exact field, and unknown fields are
// rejected so a typo ("p592") cannot silently do nothing.
import { readRecording } from './recorded-stream';
import { ScenarioError } from './scenario-error';
import { validateBatchBehavior } from './batch-validation';
import { MID_STREAM_BLOCKS, OUTCOMES } from './scenario-types';
import type {
  MidStreamBlock,
  ModelBehavior,
  Outcome,
  RateLimitBehavior,
  Scenario,
  ScenarioPhase,
  StatusPageComponent,
  StatusPageIncident,
  StatusPageSpec,
} from './scenario-types';

type Json = Record<string, unknown>;

const PROBABILITY_FIELDS = [
  'p529',
  'p429',
  'p500',
  'p502',
  'p503',
  'p504',
  'pSpendLimit',
  'pHtml502',
  'pReset',
  'pStall',
  'pMidStreamError',
] as const;

const NON_NEGATIVE_FIELDS = ['latencyMs', 'ttftMs', 'retryAfterS', 'ttftPerInputTokenMs', 'ttftMaxMs', 'pauseMs', 'endAfterStopMs'] as const;
const POSITIVE_INTEGER_FIELDS = ['outputTokens', 'capacity', 'thinkingTokens'] as const;
const NON_NEGATIVE_INTEGER_FIELDS = ['midStreamAfterTokens', 'pauseAfterTokens', 'cacheMinTokens', 'recordedCutAfterEvents'] as const;
const BOOLEAN_FIELDS = ['unknown', 'deprecated', 'useTools', 'supportsThinking', 'keepOpenAfterStop', 'echoCredential', 'countTokensFails'] as const;

const BEHAVIOR_FIELDS = new Set<string>([
  ...PROBABILITY_FIELDS,
  ...NON_NEGATIVE_FIELDS,
  ...POSITIVE_INTEGER_FIELDS,
  ...NON_NEGATIVE_INTEGER_FIELDS,
  ...BOOLEAN_FIELDS,
  'tokensPerSecond',
  'pingIntervalMs',
  'rateLimit',
  'midStreamErrorType',
  'midStreamBlock',
  'sequence',
  'recordedStreams',
]);

const MID_STREAM_ERROR_TYPES = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'timeout_error',
  'invalid_request_error',
]);
const INDICATORS = new Set(['none', 'minor', 'major', 'critical', 'maintenance']);
const COMPONENT_STATUSES = new Set([
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
]);
const INCIDENT_STATUSES = new Set(['investigating', 'identified', 'monitoring', 'resolved', 'postmortem']);
const IMPACTS = new Set(['none', 'minor', 'major', 'critical']);

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, path: string): Json {
  if (!isObject(value)) throw new ScenarioError(path, 'must be an object');
  return value;
}

function rejectUnknownFields(obj: Json, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      throw new ScenarioError(join(path, key), `unknown field (allowed: ${[...allowed].join(', ')})`);
    }
  }
}

function numberField(value: unknown, path: string, check: (n: number) => boolean, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !check(value)) {
    throw new ScenarioError(path, `must be ${what}`);
  }
  return value;
}

function stringField(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ScenarioError(path, 'must be a string');
  return value;
}

function booleanField(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ScenarioError(path, 'must be true or false');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: ReadonlySet<string>, path: string): T {
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new ScenarioError(path, `must be one of ${[...allowed].map((v) => JSON.stringify(v)).join(', ')}`);
  }
  return value as T;
}

function validateRateLimit(value: unknown, path: string): RateLimitBehavior {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, new Set(['requestsPerMinute', 'retryAfterS', 'keys']), path);
  const rateLimit: RateLimitBehavior = {
    requestsPerMinute: numberField(
      obj['requestsPerMinute'],
      join(path, 'requestsPerMinute'),
      (n) => Number.isInteger(n) && n > 0,
      'a positive integer',
    ),
  };
  if (obj['retryAfterS'] !== undefined) {
    rateLimit.retryAfterS = numberField(obj['retryAfterS'], join(path, 'retryAfterS'), (n) => n >= 0, 'a number ≥ 0');
  }
  if (obj['keys'] !== undefined) {
    const keys = obj['keys'];
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k): k is string => typeof k === 'string' && k.trim() !== '')) {
      throw new ScenarioError(join(path, 'keys'), 'must be a non-empty array of credentials (non-empty strings)');
    }
    rateLimit.keys = [...keys];
  }
  return rateLimit;
}

function validateSequence(value: unknown, path: string): Outcome[] {
  if (!Array.isArray(value)) throw new ScenarioError(path, 'must be an array of outcomes');
  const allowed = new Set<string>(OUTCOMES);
  return value.map((item, i) => oneOf<Outcome>(item, allowed, join(path, i)));
}

export function validateBehavior(value: unknown, path: string): ModelBehavior {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, BEHAVIOR_FIELDS, path);
  const behavior: ModelBehavior = {};
  for (const field of PROBABILITY_FIELDS) {
    if (obj[field] !== undefined) {
      behavior[field] = numberField(obj[field], join(path, field), (n) => n >= 0 && n <= 1, 'a number between 0 and 1');
    }
  }
  for (const field of NON_NEGATIVE_FIELDS) {
    if (obj[field] !== undefined) {
      behavior[field] = numberField(obj[field], join(path, field), (n) => n >= 0, 'a number ≥ 0');
    }
  }
  for (const field of POSITIVE_INTEGER_FIELDS) {
    if (obj[field] !== undefined) {
      behavior[field] = numberField(
        obj[field],
        join(path, field),
        (n) => Number.isInteger(n) && n > 0,
        'a positive integer',
      );
    }
  }
  if (obj['tokensPerSecond'] !== undefined) {
    behavior.tokensPerSecond = numberField(obj['tokensPerSecond'], join(path, 'tokensPerSecond'), (n) => n > 0, 'a number > 0');
  }
  for (const field of NON_NEGATIVE_INTEGER_FIELDS) {
    if (obj[field] !== undefined) {
      behavior[field] = numberField(obj[field], join(path, field), (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0');
    }
  }
  for (const field of BOOLEAN_FIELDS) {
    if (obj[field] !== undefined) behavior[field] = booleanField(obj[field], join(path, field));
  }
  if (obj['pingIntervalMs'] !== undefined) {
    behavior.pingIntervalMs = numberField(obj['pingIntervalMs'], join(path, 'pingIntervalMs'), (n) => n > 0, 'a number > 0');
  }
  if (obj['midStreamErrorType'] !== undefined) {
    behavior.midStreamErrorType = oneOf(obj['midStreamErrorType'], MID_STREAM_ERROR_TYPES, join(path, 'midStreamErrorType'));
  }
  if (obj['midStreamBlock'] !== undefined) {
    behavior.midStreamBlock = oneOf<MidStreamBlock>(obj['midStreamBlock'], new Set(MID_STREAM_BLOCKS), join(path, 'midStreamBlock'));
  }
  if (obj['rateLimit'] !== undefined) behavior.rateLimit = validateRateLimit(obj['rateLimit'], join(path, 'rateLimit'));
  if (obj['sequence'] !== undefined) behavior.sequence = validateSequence(obj['sequence'], join(path, 'sequence'));
  if (obj['recordedStreams'] !== undefined) {
    const files = obj['recordedStreams'];
    if (!Array.isArray(files) || files.length === 0) throw new ScenarioError(join(path, 'recordedStreams'), 'must be a non-empty array of file paths');
    behavior.recordedStreams = files.map((file, i) => stringField(file, join(join(path, 'recordedStreams'), i)));
    // A recording that cannot be read or parsed is a scenario error now, not a failed request later.
    for (const file of behavior.recordedStreams) readRecording(file);
  }
  return behavior;
}

function validateModels(value: unknown, path: string): Record<string, ModelBehavior> {
  const obj = requireObject(value, path);
  const models: Record<string, ModelBehavior> = {};
  for (const [model, behavior] of Object.entries(obj)) {
    if (!model.trim()) throw new ScenarioError(join(path, model), 'model ids must not be empty');
    models[model] = validateBehavior(behavior, join(path, model));
  }
  return models;
}

function validateComponent(value: unknown, path: string): StatusPageComponent {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, new Set(['name', 'status']), path);
  return {
    name: stringField(obj['name'], join(path, 'name')),
    status: oneOf<StatusPageComponent['status']>(obj['status'], COMPONENT_STATUSES, join(path, 'status')),
  };
}

function validateIncident(value: unknown, path: string): StatusPageIncident {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, new Set(['name', 'status', 'impact', 'body']), path);
  const incident: StatusPageIncident = {
    name: stringField(obj['name'], join(path, 'name')),
    status: oneOf<StatusPageIncident['status']>(obj['status'], INCIDENT_STATUSES, join(path, 'status')),
  };
  if (obj['impact'] !== undefined) incident.impact = oneOf<NonNullable<StatusPageIncident['impact']>>(obj['impact'], IMPACTS, join(path, 'impact'));
  if (obj['body'] !== undefined) incident.body = stringField(obj['body'], join(path, 'body'));
  return incident;
}

function validateStatusPage(value: unknown, path: string): StatusPageSpec {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, new Set(['indicator', 'description', 'components', 'incidents']), path);
  const spec: StatusPageSpec = {};
  if (obj['indicator'] !== undefined) spec.indicator = oneOf<NonNullable<StatusPageSpec['indicator']>>(obj['indicator'], INDICATORS, join(path, 'indicator'));
  if (obj['description'] !== undefined) spec.description = stringField(obj['description'], join(path, 'description'));
  if (obj['components'] !== undefined) {
    const list = obj['components'];
    if (!Array.isArray(list)) throw new ScenarioError(join(path, 'components'), 'must be an array');
    spec.components = list.map((c, i) => validateComponent(c, join(join(path, 'components'), i)));
  }
  if (obj['incidents'] !== undefined) {
    const list = obj['incidents'];
    if (!Array.isArray(list)) throw new ScenarioError(join(path, 'incidents'), 'must be an array');
    spec.incidents = list.map((c, i) => validateIncident(c, join(join(path, 'incidents'), i)));
  }
  return spec;
}

function validatePhase(value: unknown, path: string): ScenarioPhase {
  const obj = requireObject(value, path);
  rejectUnknownFields(obj, new Set(['atMs', 'defaults', 'models', 'statusPage']), path);
  const phase: ScenarioPhase = {
    atMs: numberField(obj['atMs'], join(path, 'atMs'), (n) => n >= 0, 'a number of milliseconds ≥ 0'),
  };
  if (obj['defaults'] !== undefined) phase.defaults = validateBehavior(obj['defaults'], join(path, 'defaults'));
  if (obj['models'] !== undefined) phase.models = validateModels(obj['models'], join(path, 'models'));
  if (obj['statusPage'] !== undefined) phase.statusPage = validateStatusPage(obj['statusPage'], join(path, 'statusPage'));
  return phase;
}

const SCENARIO_FIELDS = new Set(['name', 'description', 'seed', 'defaults', 'models', 'phases', 'statusPage', 'batches']);

/** Validates parsed JSON as a scenario; throws ScenarioError naming the first bad field. */
export function validateScenario(value: unknown): Scenario {
  const obj = requireObject(value, '');
  rejectUnknownFields(obj, SCENARIO_FIELDS, '');
  const scenario: Scenario = {};
  if (obj['name'] !== undefined) scenario.name = stringField(obj['name'], 'name');
  if (obj['description'] !== undefined) scenario.description = stringField(obj['description'], 'description');
  if (obj['seed'] !== undefined) {
    scenario.seed = numberField(obj['seed'], 'seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff, 'an integer between 0 and 4294967295');
  }
  if (obj['defaults'] !== undefined) scenario.defaults = validateBehavior(obj['defaults'], 'defaults');
  if (obj['models'] !== undefined) scenario.models = validateModels(obj['models'], 'models');
  if (obj['phases'] !== undefined) {
    const list = obj['phases'];
    if (!Array.isArray(list)) throw new ScenarioError('phases', 'must be an array');
    scenario.phases = list.map((p, i) => validatePhase(p, join('phases', i)));
    for (let i = 1; i < scenario.phases.length; i++) {
      if (scenario.phases[i]!.atMs < scenario.phases[i - 1]!.atMs) {
        throw new ScenarioError(`phases[${i}].atMs`, 'phases must be in ascending order of atMs');
      }
    }
  }
  if (obj['statusPage'] !== undefined) scenario.statusPage = validateStatusPage(obj['statusPage'], 'statusPage');
  if (obj['batches'] !== undefined) scenario.batches = validateBatchBehavior(obj['batches'], 'batches');
  return scenario;
}
