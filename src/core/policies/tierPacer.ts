// Proactive pacing: keep a route's traffic under a share of its tier (default 80%) instead of
// waiting for `anthropic-ratelimit-*-remaining` to reach 0. From the headers of every response it
// learns each limit (requests, input, output and total tokens per minute); each request is
// booked against them with its estimated tokens, spaced so the allowance lasts (a generic cell
// rate: one theoretical arrival time per limit), with a small burst that only interactive work
// may use, so background work never crowds out a user waiting for an answer. When the headers
// say the bucket is nearly drained (other clients of the same key), the route waits for it to
// refill. Reactive holds (429 retry-after, remaining 0) stay in pacing.ts.
import type { Priority } from '../types';

interface HeaderReader {
  get(name: string): string | null;
}

export interface TierPacingOptions {
  /** The limits' window (Anthropic's are per minute). */
  readonly windowMs?: number;
  /** Share of the allowance interactive requests may send at once (a burst). */
  readonly burst?: number;
}

/** What one request will cost, estimated before it is sent. */
export interface PaceEstimate {
  readonly priority: Priority;
  readonly inputTokens: number;
  /** The request's max_tokens (the API estimates output the same way until the answer ends). */
  readonly outputTokens: number;
  /** Fraction of each limit this client may use (0 < share ≤ 1; default 0.8). */
  readonly share?: number;
  /** The caller will not wait longer than this: a longer delay is returned but not booked. */
  readonly maxWaitMs?: number;
}

const KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
type Kind = (typeof KINDS)[number];

interface Limit {
  limit: number;
  /** What the API said was left, and when (null once taken into account). */
  remaining: number | null;
  /** Theoretical arrival time: when the booked traffic has drained at the paced rate. */
  tat: number;
  /** Nothing goes before this (the API's bucket is refilling), burst or not. */
  notBefore: number;
}

export const DEFAULT_TIER_SHARE = 0.8;
const DEFAULT_WINDOW_MS = 60_000;
const DEFAULT_BURST = 0.15;

function cost(kind: Kind, estimate: PaceEstimate | undefined): number {
  switch (kind) {
    case 'requests':
      return 1;
    case 'input-tokens':
      return estimate?.inputTokens ?? 0;
    case 'output-tokens':
      return estimate?.outputTokens ?? 0;
    case 'tokens':
      return (estimate?.inputTokens ?? 0) + (estimate?.outputTokens ?? 0);
  }
}

/**
 * The proactive wait for one attempt under the manager's pacing settings: 0 when reactive,
 * null when the wait would be longer than the attempt may wait (the route is then left).
 */
export function paceAhead(
  tier: TierPacer,
  routeKey: string,
  pacing: { readonly mode: 'proactive' | 'reactive'; readonly share: number } | undefined,
  estimate: Omit<PaceEstimate, 'share' | 'maxWaitMs'>,
  maxWaitMs: number,
): number | null {
  if (pacing?.mode === 'reactive') return 0;
  const delay = tier.delayFor(routeKey, { ...estimate, share: pacing?.share ?? DEFAULT_TIER_SHARE, maxWaitMs });
  return delay > maxWaitMs ? null : delay;
}

export class TierPacer {
  private readonly routes = new Map<string, Map<Kind, Limit>>();
  private readonly windowMs: number;
  private readonly burst: number;

  constructor(
    private readonly now: () => number,
    options: TierPacingOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.burst = options.burst ?? DEFAULT_BURST;
  }

  /** Learns the route's limits from any response's headers, and how much of them is left. */
  observe(routeKey: string, headers: HeaderReader | null | undefined): void {
    if (!headers) return;
    for (const kind of KINDS) {
      const limit = Number(headers.get(`anthropic-ratelimit-${kind}-limit`));
      if (!Number.isFinite(limit) || limit <= 0) continue;
      let limits = this.routes.get(routeKey);
      if (!limits) {
        limits = new Map();
        this.routes.set(routeKey, limits);
      }
      const remaining = Number(headers.get(`anthropic-ratelimit-${kind}-remaining`));
      const known = limits.get(kind);
      const left = Number.isFinite(remaining) ? remaining : null;
      if (known) {
        known.limit = limit;
        known.remaining = left;
      } else {
        limits.set(kind, { limit, remaining: left, tat: this.now(), notBefore: 0 });
      }
    }
  }

  /**
   * Milliseconds this request should wait before it is sent (0: now), and books it for the
   * moment it will go, so the requests after it are spaced behind it (unless it will not wait
   * that long: see maxWaitMs).
   */
  delayFor(routeKey: string, estimate?: PaceEstimate): number {
    const limits = this.routes.get(routeKey);
    if (!limits) return 0;
    const share = estimate?.share ?? DEFAULT_TIER_SHARE;
    if (!(share > 0 && share <= 1)) throw new RangeError(`pacing share must be in (0, 1], got ${share}`);
    const now = this.now();
    const interactive = (estimate?.priority ?? 'interactive') === 'interactive';
    let sendAt = now;
    for (const [kind, known] of limits) {
      if (known.remaining !== null) {
        // Nearly drained (others use this key too): wait until the bucket refills to a safe level.
        // The level sits below what this pacer's own burst may leave, so its own traffic never trips it.
        const reserve = (known.limit * (1 - share)) / 4;
        if (known.remaining < reserve) known.notBefore = Math.max(known.notBefore, now + ((reserve - known.remaining) * this.windowMs) / known.limit);
        known.remaining = null;
      }
      sendAt = Math.max(sendAt, known.notBefore);
      if (cost(kind, estimate) <= 0) continue;
      const interval = this.windowMs / (known.limit * share);
      // Interactive work may use a small burst; background work waits for the paced slot.
      const tolerance = interactive ? known.limit * share * this.burst * interval : 0;
      sendAt = Math.max(sendAt, known.tat - tolerance);
    }
    if (estimate?.maxWaitMs !== undefined && sendAt - now > estimate.maxWaitMs) return sendAt - now;
    for (const [kind, known] of limits) {
      const interval = this.windowMs / (known.limit * share);
      known.tat = Math.max(known.tat, sendAt) + cost(kind, estimate) * interval;
    }
    return sendAt - now;
  }

  /** Forgets what was learned (breakers reset, settings changed). */
  reset(routeKey?: string): void {
    if (routeKey === undefined) this.routes.clear();
    else this.routes.delete(routeKey);
  }
}
