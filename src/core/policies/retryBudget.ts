// A retry budget per route: retries may be at most `ratio` of the requests seen
// in a sliding window, with a floor of `minRetries` so a single user's low rate
// can still retry. It keeps a storm of retries from amplifying an outage.
import type { BudgetConfig } from '../contract';

const BUCKETS = 10;

interface Bucket {
  start: number;
  requests: number;
  retries: number;
}

export class RetryBudget {
  private buckets: Bucket[] = [];

  constructor(
    private config: BudgetConfig,
    private readonly now: () => number,
  ) {}

  updateConfig(config: BudgetConfig): void {
    this.config = config;
  }

  /** Forgets every request and retry seen (Reset Circuit Breakers). */
  reset(): void {
    this.buckets = [];
  }

  private bucketWidth(): number {
    return Math.max(1, this.config.windowMs / BUCKETS);
  }

  private prune(at: number): void {
    const oldest = at - this.config.windowMs;
    this.buckets = this.buckets.filter((bucket) => bucket.start + this.bucketWidth() > oldest);
  }

  private current(at: number): Bucket {
    this.prune(at);
    const width = this.bucketWidth();
    const start = Math.floor(at / width) * width;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const bucket = { start, requests: 0, retries: 0 };
    this.buckets.push(bucket);
    return bucket;
  }

  private totals(at: number): { requests: number; retries: number } {
    this.prune(at);
    let requests = 0;
    let retries = 0;
    for (const bucket of this.buckets) {
      requests += bucket.requests;
      retries += bucket.retries;
    }
    return { requests, retries };
  }

  /** A first attempt of a request on this route. */
  recordRequest(): void {
    this.current(this.now()).requests += 1;
  }

  /** Retries still allowed in the current window (never negative). */
  available(): number {
    const { requests, retries } = this.totals(this.now());
    const allowed = Math.max(this.config.minRetries, Math.floor(requests * this.config.ratio));
    return Math.max(0, allowed - retries);
  }

  /** The alarm: at most a tenth of the window's retries are left (the route is failing beyond a
   *  blip). Work that adds load, such as a hedge, stays away from a route in alarm. */
  alarmed(): boolean {
    const { requests, retries } = this.totals(this.now());
    const allowed = Math.max(this.config.minRetries, Math.floor(requests * this.config.ratio));
    return (allowed - retries) * 10 < allowed || retries >= allowed;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryAcquireRetry(): boolean {
    if (this.available() <= 0) return false;
    this.current(this.now()).retries += 1;
    return true;
  }
}
