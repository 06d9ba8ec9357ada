// What GET /v1/models lists: a built-in catalogue of current and legacy models,
// plus every model a scenario names, with `deprecated` and `unknown` applied.
// The catalogue also says what each model supports (thinking), which the
// Messages endpoints enforce.
import type { ModelBehavior, Scenario } from './scenario-types';

export interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
  lifecycle: 'active' | 'deprecated' | 'retired';
  deprecated_at: string | null;
  retires_at: string | null;
  line: string | null;
  max_input_tokens: number | null;
  max_tokens: number | null;
  capabilities: ModelCapabilities;
}

interface Support {
  supported: boolean;
}

/** The Models API's `capabilities` object (every known key present). */
export interface ModelCapabilities {
  batch: Support;
  citations: Support;
  code_execution: Support;
  context_management: Support & { clear_thinking_20251015: Support | null; clear_tool_uses_20250919: Support | null; compact_20260112: Support | null };
  effort: Support & { low: Support; medium: Support; high: Support; max: Support; xhigh: Support | null };
  image_input: Support;
  pdf_input: Support;
  server_tools: Support & { code_execution: Support; web_search: Support };
  structured_outputs: Support;
  thinking: Support & { types: { enabled: Support; adaptive: Support; disabled: Support; between_tools: Support } };
}

interface CatalogEntry {
  id: string;
  name: string;
  createdAt: string;
  line: string;
  maxInput: number;
  maxOutput: number;
  deprecatedAt?: string;
  retiresAt?: string;
  /** Accepts `thinking` (enabled or adaptive); default true. */
  thinking?: boolean;
}

const CATALOG: readonly CatalogEntry[] = [
  { id: 'claude-opus-5-5', name: 'Claude Opus 5.5', createdAt: '2026-09-24T00:00:00Z', line: 'opus', maxInput: 1_000_000, maxOutput: 128_000 },
  { id: 'claude-sonnet-5-5', name: 'Claude Sonnet 5.5', createdAt: '2026-09-24T00:00:00Z', line: 'sonnet', maxInput: 1_000_000, maxOutput: 128_000 },
  { id: 'claude-haiku-5-5', name: 'Claude Haiku 5.5', createdAt: '2026-09-24T00:00:00Z', line: 'haiku', maxInput: 1_000_000, maxOutput: 128_000, thinking: false },
  { id: 'claude-opus-5', name: 'Claude Opus 5', createdAt: '2026-05-14T00:00:00Z', line: 'opus', maxInput: 1_000_000, maxOutput: 128_000 },
  { id: 'claude-sonnet-5', name: 'Claude Sonnet 5', createdAt: '2026-05-14T00:00:00Z', line: 'sonnet', maxInput: 1_000_000, maxOutput: 128_000 },
  { id: 'claude-opus-4-6', name: 'Claude Opus 4.6', createdAt: '2026-02-05T00:00:00Z', line: 'opus', maxInput: 200_000, maxOutput: 64_000 },
  { id: 'claude-sonnet-4-6', name: 'Claude Sonnet 4.6', createdAt: '2026-02-17T00:00:00Z', line: 'sonnet', maxInput: 200_000, maxOutput: 64_000 },
  { id: 'claude-opus-4-5', name: 'Claude Opus 4.5', createdAt: '2025-11-24T00:00:00Z', line: 'opus', maxInput: 200_000, maxOutput: 64_000 },
  { id: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', createdAt: '2025-10-15T00:00:00Z', line: 'haiku', maxInput: 200_000, maxOutput: 64_000 },
  {
    id: 'claude-sonnet-4-5',
    name: 'Claude Sonnet 4.5',
    createdAt: '2025-09-29T00:00:00Z',
    line: 'sonnet',
    maxInput: 200_000,
    maxOutput: 64_000,
    deprecatedAt: '2026-08-31T00:00:00Z',
    retiresAt: '2026-11-30T00:00:00Z',
  },
];

const SCENARIO_MODEL_CREATED_AT = '2026-01-01T00:00:00Z';
const SCENARIO_DEPRECATED_AT = '2026-10-01T00:00:00Z';

const NO: Support = { supported: false };
const YES: Support = { supported: true };

function capabilitiesFor(thinking: boolean): ModelCapabilities {
  const t: Support = { supported: thinking };
  return {
    batch: YES,
    citations: YES,
    code_execution: NO,
    context_management: { supported: false, clear_thinking_20251015: null, clear_tool_uses_20250919: null, compact_20260112: null },
    effort: { supported: false, low: NO, medium: NO, high: NO, max: NO, xhigh: null },
    image_input: YES,
    pdf_input: YES,
    server_tools: { supported: false, code_execution: NO, web_search: NO },
    structured_outputs: NO,
    thinking: { supported: thinking, types: { enabled: t, adaptive: t, disabled: YES, between_tools: NO } },
  };
}

/** Whether `model` accepts `thinking`: the scenario's `supportsThinking`, else the catalogue, else yes. */
export function supportsThinking(model: string, behavior: Pick<ModelBehavior, 'supportsThinking'>): boolean {
  return behavior.supportsThinking ?? CATALOG.find((entry) => entry.id === model)?.thinking ?? true;
}

/** The catalogue's context window and output limit of `model`, or undefined for a model it does not list. */
export function catalogLimits(model: string): { maxInput: number; maxOutput: number } | undefined {
  const entry = CATALOG.find((e) => e.id === model);
  return entry && { maxInput: entry.maxInput, maxOutput: entry.maxOutput };
}

function scenarioThinking(scenario: Scenario, id: string): boolean | undefined {
  return scenario.models?.[id]?.supportsThinking ?? scenario.defaults?.supportsThinking;
}

function displayNameFor(id: string): string {
  return id
    .split('-')
    .map((part) => (/^\d+$/.test(part) ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join(' ');
}

function scenarioModelIds(scenario: Scenario): Map<string, { deprecated: boolean; unknown: boolean }> {
  const flags = new Map<string, { deprecated: boolean; unknown: boolean }>();
  const layers = [scenario.models, ...(scenario.phases ?? []).map((p) => p.models)];
  for (const layer of layers) {
    for (const [id, behavior] of Object.entries(layer ?? {})) {
      const current = flags.get(id) ?? { deprecated: false, unknown: false };
      if (behavior.deprecated !== undefined) current.deprecated = behavior.deprecated;
      if (behavior.unknown !== undefined) current.unknown = behavior.unknown;
      flags.set(id, current);
    }
  }
  return flags;
}

/** Every model the simulator lists, newest first, as the Models API returns them. */
export function listModels(scenario: Scenario): ModelInfo[] {
  const flags = scenarioModelIds(scenario);
  const defaultsDeprecated = scenario.defaults?.deprecated === true;
  const models: ModelInfo[] = [];
  const seen = new Set<string>();
  const add = (entry: CatalogEntry): void => {
    const flag = flags.get(entry.id);
    if (flag?.unknown) return;
    const deprecated = flag?.deprecated ?? (defaultsDeprecated || entry.deprecatedAt !== undefined);
    models.push({
      type: 'model',
      id: entry.id,
      display_name: entry.name,
      created_at: entry.createdAt,
      lifecycle: deprecated ? 'deprecated' : 'active',
      deprecated_at: deprecated ? (entry.deprecatedAt ?? SCENARIO_DEPRECATED_AT) : null,
      retires_at: deprecated ? (entry.retiresAt ?? null) : null,
      line: entry.line,
      max_input_tokens: entry.maxInput,
      max_tokens: entry.maxOutput,
      capabilities: capabilitiesFor(scenarioThinking(scenario, entry.id) ?? entry.thinking ?? true),
    });
    seen.add(entry.id);
  };
  for (const id of flags.keys()) {
    if (!CATALOG.some((entry) => entry.id === id)) {
      add({ id, name: displayNameFor(id), createdAt: SCENARIO_MODEL_CREATED_AT, line: '', maxInput: 200_000, maxOutput: 64_000 });
    }
  }
  for (const entry of CATALOG) add(entry);
  return models
    .map((model) => (model.line === '' ? { ...model, line: null } : model))
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
}

export interface ModelPage {
  data: ModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** One page of the list, with the API's cursor parameters (`limit`, `after_id`, `before_id`). */
export function pageOfModels(all: ModelInfo[], query: URLSearchParams): ModelPage | { error: string } {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return { error: 'limit: Input should be an integer between 1 and 1000' };
  }
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  let start = 0;
  let end = all.length;
  if (afterId !== null) {
    const index = all.findIndex((m) => m.id === afterId);
    if (index < 0) return { error: `after_id: unknown model id ${JSON.stringify(afterId)}` };
    start = index + 1;
  }
  let data: ModelInfo[];
  let hasMore: boolean;
  if (beforeId !== null) {
    const index = all.findIndex((m) => m.id === beforeId);
    if (index < 0) return { error: `before_id: unknown model id ${JSON.stringify(beforeId)}` };
    end = index;
    const from = Math.max(start, end - limit);
    data = all.slice(from, end);
    hasMore = from > start;
  } else {
    data = all.slice(start, Math.min(end, start + limit));
    hasMore = start + limit < end;
  }
  return {
    data,
    has_more: hasMore,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}
