// What the manager knows about models without asking the API: context windows
// used to skip routes a request cannot fit. Unknown models are assumed to fit.

const CONTEXT_WINDOWS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-(opus|sonnet|haiku)-5-\d+/, 1_000_000],
  [/^claude-(opus|sonnet)-4-[6-9]/, 1_000_000],
  [/^claude-(opus|sonnet|haiku)-4/, 200_000],
  [/^claude-3/, 200_000],
];

export function contextWindowOf(model: string): number | null {
  const bare = model.replace(/^(global|us|eu|apac)\./, '').replace(/^anthropic\./, '');
  for (const [pattern, tokens] of CONTEXT_WINDOWS) {
    if (pattern.test(bare)) return tokens;
  }
  return null;
}

const MAX_OUTPUT: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-(opus|sonnet|haiku)-5-\d+/, 128_000],
  [/^claude-(opus|sonnet|haiku)-4/, 64_000],
  [/^claude-3-7/, 64_000],
  [/^claude-3/, 8_192],
];

/** Models known not to accept extended thinking (others are assumed to; a refusal is learnt at run time). */
const NO_THINKING = /^claude-3-(?!7)/;

function bareModel(model: string): string {
  return model.replace(/^(global|us|eu|apac)\./, '').replace(/^anthropic\./, '');
}

/** The model's largest `max_tokens`, when known. */
export function maxOutputOf(model: string): number | null {
  const bare = bareModel(model);
  for (const [pattern, tokens] of MAX_OUTPUT) {
    if (pattern.test(bare)) return tokens;
  }
  return null;
}

export function knownWithoutThinking(model: string): boolean {
  return NO_THINKING.test(bareModel(model));
}

/** A rough, conservative token estimate (about 3.5 characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}

/** Models known to be deprecated, with their retirement date (the Models API is the source of truth). */
const DEPRECATED: Readonly<Record<string, string>> = {
  'claude-sonnet-4-5': '2026-11-30',
  'claude-3-7-sonnet-latest': '2026-02-19',
  'claude-3-5-haiku-latest': '2026-02-19',
};

/** The retirement date of a deprecated model, or null when it is current (as far as we know). */
export function retirementOf(model: string): string | null {
  return DEPRECATED[model] ?? null;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
