// Coalesces bursts of change notifications into at most one call per interval: the first
// change runs at once, later ones within the interval collapse into a single trailing call.
// A 529 storm that records hundreds of attempts a second costs the panel ≤ 1000/intervalMs
// renders a second.

export interface ThrottleTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class Throttle {
  private lastRun = -Infinity;
  private pending: unknown;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
    private readonly timers: ThrottleTimers = realTimers,
  ) {}

  /** Asks for a run; it happens now or at the end of the current interval. */
  schedule(): void {
    if (this.pending !== undefined) return;
    const wait = this.lastRun + this.intervalMs - this.timers.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.pending = this.timers.setTimeout(() => {
      this.pending = undefined;
      this.fire();
    }, wait);
  }

  /** Runs now (e.g. the panel became visible) and drops a pending trailing run. */
  flush(): void {
    this.cancel();
    this.fire();
  }

  cancel(): void {
    if (this.pending !== undefined) this.timers.clearTimeout(this.pending);
    this.pending = undefined;
  }

  private fire(): void {
    this.lastRun = this.timers.now();
    this.run();
  }
}
