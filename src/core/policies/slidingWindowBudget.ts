// A budget over a sliding window: what it guards (a retry, a hedge) may be spent at most `ratio`
// times per request seen in the window, with a floor of `floor` per window so a single user's low
// rate can still spend now and then. The window is ten buckets wide, so it keeps ten counts at
// most whatever the traffic. Each route has two: its retry budget (routeStore.ts), which keeps a
// storm of retries from amplifying an outage, and its hedge budget (tailState.ts), which keeps
// hedges, each doubling one request's load for a moment, a few percent of the traffic.
import type { BudgetConfig, HedgeBudgetConfig } from '../contract';

export interface WindowBudgetSettings {
  readonly ratio: number;
  /** Spends always allowed per window, whatever the ratio. */
  readonly floor: number;
  readonly windowMs: number;
}

/** A route's retry budget settings. */
export function retryWindow(config: BudgetConfig): WindowBudgetSettings {
  return { ratio: config.ratio, floor: config.minRetries, windowMs: config.windowMs };
}

/** A route's hedge budget settings. */
export function hedgeWindow(config: HedgeBudgetConfig): WindowBudgetSettings {
  return { ratio: config.ratio, floor: config.minPerWindow, windowMs: config.windowMs };
}

const BUCKETS = 10;

interface Bucket {
  start: number;
  requests: number;
  spent: number;
}

export class SlidingWindowBudget {
  private buckets: Bucket[] = [];

  constructor(
    private settings: WindowBudgetSettings,
    private readonly now: () => number,
  ) {}

  updateSettings(settings: WindowBudgetSettings): void {
    this.settings = settings;
  }

  /** Forgets every request and spend seen (Reset Circuit Breakers). */
  reset(): void {
    this.buckets = [];
  }

  /** A request started on the route (a first attempt). */
  recordRequest(): void {
    this.current(this.now()).requests += 1;
  }

  /** Spends still allowed in the current window (never negative). */
  available(): number {
    const { allowed, spent } = this.totals(this.now());
    return Math.max(0, allowed - spent);
  }

  /** The alarm: at most a tenth of the window's allowance is left (for retries: the route is failing
   *  beyond a blip, and work that adds load, such as a hedge, stays away from it). */
  alarmed(): boolean {
    const { allowed, spent } = this.totals(this.now());
    return (allowed - spent) * 10 < allowed || spent >= allowed;
  }

  /** Takes one spend from the budget; false when it is spent. */
  tryAcquire(): boolean {
    if (this.available() <= 0) return false;
    this.current(this.now()).spent += 1;
    return true;
  }

  private width(): number {
    return Math.max(1, this.settings.windowMs / BUCKETS);
  }

  private prune(at: number): void {
    const oldest = at - this.settings.windowMs;
    const width = this.width();
    this.buckets = this.buckets.filter((bucket) => bucket.start + width > oldest);
  }

  private current(at: number): Bucket {
    this.prune(at);
    const width = this.width();
    const start = Math.floor(at / width) * width;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    const bucket = { start, requests: 0, spent: 0 };
    this.buckets.push(bucket);
    return bucket;
  }

  private totals(at: number): { allowed: number; spent: number } {
    this.prune(at);
    let requests = 0;
    let spent = 0;
    for (const bucket of this.buckets) {
      requests += bucket.requests;
      spent += bucket.spent;
    }
    return { allowed: Math.max(this.settings.floor, Math.floor(requests * this.settings.ratio)), spent };
  }
}
