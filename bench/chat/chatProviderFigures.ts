// What the chat provider benchmark measures, and the one line that reports it.

export interface ChatProviderFigures {
  readonly requests: number;
  readonly p50DirectMs: number;
  readonly p50ProviderMs: number;
  readonly p95DirectMs: number;
  readonly p95ProviderMs: number;
  /** p50 through the provider ÷ p50 straight to the manager (goal: ≤ 1.05). */
  readonly p50Ratio: number;
}

/** The line the report and the console show. */
export function chatProviderLine(f: ChatProviderFigures): string {
  const verdict = f.p50Ratio <= 1.05 ? 'within' : 'ABOVE';
  return (
    `Chat provider path vs direct manager call (healthy, ${f.requests} requests each, interleaved): ` +
    `p50 ${f.p50ProviderMs} ms vs ${f.p50DirectMs} ms, ratio ${f.p50Ratio} (${verdict} the 1.05 goal); ` +
    `p95 ${f.p95ProviderMs} ms vs ${f.p95DirectMs} ms`
  );
}
