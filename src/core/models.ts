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

/** A rough, conservative token estimate (about 3.5 characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3.5);
}
