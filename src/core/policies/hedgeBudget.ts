// A hedge budget per route: hedged requests may be at most `ratio` of the
// requests seen in a sliding window, with a small floor so a single user's low
// rate can still hedge now and then. A hedge doubles one request's load for a
// moment; the budget keeps that a few percent of the traffic, whatever happens.
import type { HedgeBudgetConfig } from '../contract';

const BUCKETS = 10;

interface Bucket {
  start: number;
  requests: number;
  hedges: number;
}

export class HedgeBudget {
  private buckets: Bucket[] = [];

  constructor(
    private config: HedgeBudgetConfig,
    private readonly now: () => number,
  ) {}

  updateConfig(config: HedgeBudgetConfig): void {
    this.config = config;
  }

  reset(): void {
    this.buckets = [];
  }

  private width(): number {
    return Math.max(1, this.config.windowMs / BUCKETS);
  }

  private prune(at: number): void {
    const oldest = at - this.config.windowMs;
    this.buckets = this.buckets.filter((bucket) => bucket.start + this.width() > oldest);
  }

  private current(at: number): Bucket {
    this.prune(at);
    const start = Math.floor(at / this.width()) * this.width();
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const bucket = { start, requests: 0, hedges: 0 };
    this.buckets.push(bucket);
    return bucket;
  }

  /** A request started on this route. */
  recordRequest(): void {
    this.current(this.now()).requests += 1;
  }

  /** Hedges still allowed in the window (never negative). */
  available(): number {
    const at = this.now();
    this.prune(at);
    let requests = 0;
    let hedges = 0;
    for (const bucket of this.buckets) {
      requests += bucket.requests;
      hedges += bucket.hedges;
    }
    const allowed = Math.max(this.config.minPerWindow, Math.floor(requests * this.config.ratio));
    return Math.max(0, allowed - hedges);
  }

  /** Takes one hedge from the budget; false when it is spent. */
  tryAcquire(): boolean {
    if (this.available() <= 0) return false;
    this.current(this.now()).hedges += 1;
    return true;
  }
}
