// Pacing from the API's own signals: when `anthropic-ratelimit-requests-remaining`
// (or tokens) reaches 0, or a 429 names a retry-after, new attempts on that route
// are held until the reset instead of being sent to fail.

interface HeaderReader {
  get(name: string): string | null;
}

const LIMIT_KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

export class RateLimitPacer {
  private readonly holdUntil = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Reads rate-limit headers from any response (success or error). */
  observe(routeKey: string, headers: HeaderReader | null | undefined): void {
    if (!headers) return;
    for (const kind of LIMIT_KINDS) {
      const remaining = headers.get(`anthropic-ratelimit-${kind}-remaining`);
      const reset = headers.get(`anthropic-ratelimit-${kind}-reset`);
      if (remaining === null || reset === null) continue;
      if (Number(remaining) > 0) continue;
      const resetAt = Date.parse(reset);
      if (Number.isFinite(resetAt)) this.hold(routeKey, resetAt);
    }
  }

  /** Holds the route until `until` (epoch ms); keeps the later of two holds. */
  hold(routeKey: string, until: number): void {
    const current = this.holdUntil.get(routeKey) ?? 0;
    if (until > current) this.holdUntil.set(routeKey, until);
  }

  /** Milliseconds a new attempt on this route should wait (0 = go now). */
  delayFor(routeKey: string): number {
    const until = this.holdUntil.get(routeKey);
    if (until === undefined) return 0;
    const delay = until - this.now();
    if (delay <= 0) {
      this.holdUntil.delete(routeKey);
      return 0;
    }
    return delay;
  }
}
