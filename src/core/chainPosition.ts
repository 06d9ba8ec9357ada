// Where one request stands along its chain: the route it is on, why it left the one before (a
// move to another route is announced once, with that reason), the backoff on the current route
// (it starts afresh on each), and the routes that have counted the request for their retry and
// hedge budgets (once per route, however many attempts it makes there).
import type { BackoffState } from './policies/backoff';
import { initialBackoffState } from './policies/backoff';
import type { RequestNarrator } from './requestNarrator';
import type { ChainEntry, RoutePicker, Unavailable } from './routePicker';
import { sameRoute } from './routes';
import type { RunDependencies } from './runDependencies';
import type { ErrorClass } from './types';

/** Why a request left a route (the fallback event's reason). */
export type LeaveReason = ErrorClass | 'breaker_open' | 'unknown_model' | 'unfit';

export class ChainPosition {
  backoff: BackoffState = initialBackoffState;
  private leftReason: LeaveReason | null = null;
  private last: ChainEntry;
  private readonly countedOn = new Set<string>();

  constructor(
    private readonly picker: RoutePicker,
    private readonly deps: Pick<RunDependencies, 'routes' | 'tail'>,
    private readonly say: RequestNarrator,
  ) {
    this.last = picker.first;
  }

  /** The request is on `entry` now; a change of route is announced with why the last one was left
   *  (`skipped`: why routes before it were passed over; `lastFailure`: the request's last failure). */
  arrive(entry: ChainEntry, skipped: Unavailable | null, lastFailure: ErrorClass | null): void {
    if (skipped !== null) this.leftReason ??= leaveReasonFor(skipped, lastFailure);
    if (!sameRoute(entry.route, this.last.route) && this.leftReason !== null) this.say.fallback(this.last, entry, this.leftReason);
    this.leftReason = null;
    this.last = entry;
  }

  /** A hedge answered on the next route: the request has moved there from `from`. */
  movedByHedge(from: ChainEntry, to: ChainEntry): void {
    this.picker.moveOn();
    this.backoff = initialBackoffState;
    this.last = to;
    this.say.fallback(from, to, 'timeout');
  }

  /** Leaves the current route for the next (announced when the request arrives there). */
  moveOn(reason: LeaveReason): void {
    this.picker.moveOn();
    this.backoff = initialBackoffState;
    this.leftReason ??= reason;
  }

  /** Counts the request on a route the first time it tries it (retry and hedge budgets). */
  count(entry: ChainEntry): void {
    if (this.countedOn.has(entry.key)) return;
    this.countedOn.add(entry.key);
    this.deps.routes.budget(entry.route).recordRequest();
    this.deps.tail?.budget(entry.key).recordRequest();
  }
}

function leaveReasonFor(why: Unavailable, lastFailure: ErrorClass | null): LeaveReason {
  if (why === 'ended' || why === 'exhausted') return lastFailure ?? 'unfit';
  // A held route is one whose rate limit is spent.
  return why === 'held' ? 'rate_limited' : why;
}
