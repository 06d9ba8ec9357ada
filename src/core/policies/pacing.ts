// Pacing from the API's own signals: when `anthropic-ratelimit-*-remaining`
// reaches 0, or a 429 names a retry-after, new attempts on that route are held
// until the reset instead of being sent to fail. Every hint is parsed strictly
// (serverValues.ts) and every hold is capped, so a garbage or absurd header can
// never park a route for hours; holds are visible (`heldUntil`, onChange) and
// cleared by a reset.
import { parseResetTime } from '../serverValues';

interface HeaderReader {
  get(name: string): string | null;
}

/** Each limit's remaining and reset headers, named once (every response is read for them). */
const LIMIT_HEADERS = ['requests', 'tokens', 'input-tokens', 'output-tokens'].map((kind) => ({
  remaining: `anthropic-ratelimit-${kind}-remaining`,
  reset: `anthropic-ratelimit-${kind}-reset`,
}));

export class RateLimitPacer {
  private readonly holdUntil = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** The longest hold any hint may place on a route. */
    private capMs: number,
    private readonly onChange: (routeKey: string, until: number | null) => void = () => undefined,
  ) {}

  setCap(capMs: number): void {
    this.capMs = capMs;
  }

  /** Reads rate-limit headers from any response (success or error). */
  observe(routeKey: string, headers: HeaderReader | null | undefined): void {
    if (!headers) return;
    for (const names of LIMIT_HEADERS) {
      const remaining = headers.get(names.remaining);
      if (remaining === null || remaining.trim() !== '0') continue;
      const resetAt = parseResetTime(headers.get(names.reset), this.now());
      if (resetAt !== null) this.hold(routeKey, resetAt);
    }
  }

  /** Holds the route until `until` (epoch ms), capped; keeps the later of two holds. */
  hold(routeKey: string, until: number): void {
    const capped = Math.min(until, this.now() + this.capMs);
    const current = this.holdUntil.get(routeKey) ?? 0;
    if (capped <= current || capped <= this.now()) return;
    this.holdUntil.set(routeKey, capped);
    this.onChange(routeKey, capped);
  }

  /** Epoch ms until which the route is held, or null. */
  heldUntil(routeKey: string): number | null {
    return this.delayFor(routeKey) > 0 ? (this.holdUntil.get(routeKey) ?? null) : null;
  }

  /** Milliseconds a new attempt on this route should wait (0 = go now). */
  delayFor(routeKey: string): number {
    const until = this.holdUntil.get(routeKey);
    if (until === undefined) return 0;
    const delay = until - this.now();
    if (delay <= 0) {
      this.holdUntil.delete(routeKey);
      this.onChange(routeKey, null);
      return 0;
    }
    return delay;
  }

  /** The keys with a hold (one that has ended may still be listed until `sweep`). */
  keys(): IterableIterator<string> {
    return this.holdUntil.keys();
  }

  /** Forgets the holds that have ended. */
  sweep(): void {
    for (const key of [...this.holdUntil.keys()]) this.delayFor(key);
  }

  /** Drops the hold on one route, or on every route. */
  clear(routeKey?: string): void {
    const keys = routeKey === undefined ? [...this.holdUntil.keys()] : [routeKey];
    for (const key of keys) {
      if (this.holdUntil.delete(key)) this.onChange(key, null);
    }
  }
}
