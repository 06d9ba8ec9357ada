// The three hard bounds on one request: attempts in total, attempts per route,
// and a deadline. The retry budget (slidingWindowBudget.ts) is the fourth, shared one.

export interface BoundsSettings {
  readonly maxAttempts: number;
  readonly maxAttemptsPerRoute: number;
  readonly deadlineMs: number;
}

export class RequestBounds {
  private attempts = 0;
  private readonly perRoute = new Map<string, number>();
  readonly deadline: number;

  constructor(
    private readonly settings: BoundsSettings,
    startedAt: number,
  ) {
    this.deadline = startedAt + settings.deadlineMs;
  }

  get attemptsMade(): number {
    return this.attempts;
  }

  attemptsOn(routeKey: string): number {
    return this.perRoute.get(routeKey) ?? 0;
  }

  /** May another attempt start at `now` (any route)? */
  canAttempt(now: number): boolean {
    return this.attempts < this.settings.maxAttempts && now < this.deadline;
  }

  /** May another attempt run on this route? */
  canAttemptOn(routeKey: string, now: number): boolean {
    return this.canAttempt(now) && this.attemptsOn(routeKey) < this.settings.maxAttemptsPerRoute;
  }

  /** Does a wait of `delayMs` from `now` still leave time for an attempt? */
  fitsWait(now: number, delayMs: number): boolean {
    return now + delayMs < this.deadline;
  }

  remainingMs(now: number): number {
    return Math.max(0, this.deadline - now);
  }

  recordAttempt(routeKey: string): number {
    this.attempts += 1;
    this.perRoute.set(routeKey, this.attemptsOn(routeKey) + 1);
    return this.attempts;
  }
}
