// What one attempt holds on its route, taken by one object and settled by it exactly once,
// whatever happens (an answer, a failure, an abort, a hedge that lost or never started):
// the breaker permit (or none: a hedge on the same route shares the first attempt's), the
// tier pacer's booking, the concurrency slot. The lease wraps the attempt it guards (`run`):
// when the attempt ends its slot is freed and its booking settled; a lease that never ran
// cancels its booking. `settle` gives the breaker its verdict and frees whatever is still held.
import type { AttemptResult } from './attempt';
import { CanceledError } from './clock';
import type { BreakerPermit, CircuitBreaker } from './policies/circuitBreaker';
import type { ConcurrencyLimiter, Release } from './policies/limiter';
import type { PaceBooking, PaceEstimate, TierPacer } from './policies/tierPacer';
import type { ErrorClass, Priority } from './types';

/** What the breaker hears of an attempt: given back unused, a success, or a failure of that class. */
export type Verdict = 'release' | 'success' | ErrorClass;

/** An attempt's result as its breaker hears it (a canceled attempt says nothing about the route). */
export function verdictOf(result: AttemptResult): Verdict {
  if (result.ok) return 'success';
  return result.failure.errorClass === 'canceled' ? 'release' : result.failure.errorClass;
}

export class RouteLease {
  private booked: PaceBooking | null = null;
  private slot: Release | null = null;
  private launched = false;
  private ended = false;
  private settled = false;

  constructor(
    /** The route's rate-limit state for the request's credential (routes.ts `limitKey`). */
    readonly limitKey: string,
    private readonly tier: TierPacer,
    /** The breaker permit this lease owns; null when it shares another lease's (a hedge on the same route). */
    private readonly permit: { readonly breaker: CircuitBreaker; readonly permit: BreakerPermit } | null,
  ) {}

  /** The tier pacer's booking, for the response headers that answer it. */
  get booking(): PaceBooking | null {
    return this.booked;
  }

  /** Books the attempt against the route's limits (one more request in flight). */
  book(estimate: Omit<PaceEstimate, 'share'>): void {
    if (this.settled || this.booked !== null) return;
    this.booked = this.tier.book(this.limitKey, estimate);
  }

  /** Takes a concurrency slot, waiting at most `withinMs` (a CanceledError when the wait is cut
   *  short by the signal or the time). */
  async takeSlot(limiter: ConcurrencyLimiter, priority: Priority, signal: AbortSignal, withinMs: number): Promise<void> {
    if (this.slot !== null) return;
    if (signal.aborted) throw new CanceledError();
    // A free slot is taken at once: no timer, signal or listener for a wait that does not happen.
    const free = this.settled ? null : limiter.tryAcquire();
    if (free !== null) {
      this.slot = free;
      return;
    }
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) controller.abort();
    const timer = setTimeout(onAbort, Math.max(1, withinMs));
    let release: Release;
    try {
      release = await limiter.acquire(priority, controller.signal);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    if (this.settled) {
      release();
      throw new CanceledError();
    }
    this.slot = release;
  }

  /** Runs the attempt this lease guards; when it ends, its slot is freed and its booking settled. */
  async run<T>(attempt: () => Promise<T>): Promise<T> {
    this.launched = true;
    try {
      return await attempt();
    } finally {
      this.end();
    }
  }

  /** Settles everything still held: the breaker hears `verdict`; a booking never sent is cancelled. */
  settle(verdict: Verdict): void {
    if (this.settled) return;
    this.settled = true;
    this.end();
    if (this.permit === null) return;
    const { breaker, permit } = this.permit;
    if (verdict === 'release') breaker.release(permit);
    else if (verdict === 'success') breaker.recordSuccess(permit);
    else breaker.recordFailure(permit, verdict);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const slot = this.slot;
    this.slot = null;
    slot?.();
    if (this.booked === null) return;
    if (this.launched) this.tier.settle(this.booked);
    else this.tier.cancel(this.booked);
  }
}
