// Whether a late first token gets a hedge, and where: on the same route while it is well, on
// the next well route while it is sick (hedgeTarget.ts), or nowhere (the refusal is counted).
// A hedge that may start leaves with its lane and lease taken — a breaker permit on another
// route (the same route's is shared), a free concurrency slot at once (a hedge never queues),
// one count of the route's hedge budget, and a pacing booking.
import type { Lane } from './lane';
import type { RequestBounds } from './policies/bounds';
import { hedgeRefusal } from './policies/hedgeGate';
import type { PaceEstimate } from './policies/tierPacer';
import type { ResolvedClient } from './providers';
import { hedgeTarget, sicknessOf } from './hedgeTarget';
import { RouteLease } from './routeLease';
import type { ChainEntry, RoutePicker } from './routePicker';
import { routeClient } from './routeClient';
import type { RunDependencies, RunOptions } from './runDependencies';
import type { TailState } from './tailState';

export interface HedgeContext {
  readonly deps: RunDependencies;
  readonly options: RunOptions;
  readonly tail: TailState;
  readonly picker: RoutePicker;
  readonly bounds: RequestBounds;
  /** The request runs no server tools (a duplicate cannot act twice). */
  readonly duplicable: boolean;
  readonly estimate: Omit<PaceEstimate, 'share'>;
}

/** The attempt a hedge would go beside. */
export interface HedgeTurn {
  readonly first: Lane;
  readonly hedgedAlready: boolean;
  /** The route's first-token times were not learned when the attempt started. */
  readonly coldAtStart: boolean;
  /** The late attempt's body has started. */
  readonly bodyStarted: boolean;
  /** The lane for a route under a lease (its body adapted for the route's model). */
  laneOn(entry: ChainEntry, resolved: ResolvedClient, lease: RouteLease): Lane;
}

/** A hedge lane that may start beside the turn's attempt now, or null (and the refusal counted). */
export async function planHedge(context: HedgeContext, turn: HedgeTurn): Promise<Lane | null> {
  const { tail, picker, bounds } = context;
  const { routes, clock, limiter } = context.deps;
  const { first } = turn;
  const { entry } = first;
  const { key } = entry;
  const now = clock.now();
  const sickness = sicknessOf(routes, tail, entry);
  // A route the hedge may go to now: well, and neither held nor paced (no wait at all).
  const free = (e: ChainEntry): boolean => picker.waitOn(e).waitMs <= 0;
  const target = hedgeTarget(sickness, sickness === null ? null : picker.healthyEntryAfter(entry, now, (e) => sicknessOf(routes, tail, e) === null && free(e)));
  const refusal = hedgeRefusal({
    enabled: tail.settings.hedge,
    hedgedAlready: turn.hedgedAlready,
    duplicable: context.duplicable,
    outage: target.kind === 'none' && target.refusal === 'outage',
    held: target.kind === 'same' && !free(entry),
    retryAlarm: target.kind === 'none' && target.refusal === 'retry_alarm',
    budgetAvailable: tail.budget(key).available() > 0,
    cold: turn.coldAtStart,
    bodyStarted: turn.bodyStarted,
  });
  if (refusal !== null) {
    tail.countRefusal(key, refusal);
    return null;
  }
  const on = target.kind === 'next' ? target.entry : entry;
  if (!bounds.canAttempt(now) || !bounds.canAttemptOn(on.key, now)) {
    tail.countRefusal(key, 'already_hedged');
    return null;
  }
  const lane = on === entry ? { ...first, lease: new RouteLease(entry.limitKey, routes.tier, null) } : await laneOnNext(context, turn, on);
  if (lane === null) {
    tail.countRefusal(key, 'outage');
    return null;
  }
  try {
    // One more request in flight: a free slot at once, or no hedge (never beyond the cap the server is promised).
    await lane.lease.takeSlot(limiter, context.options.priority, context.options.signal, 1);
  } catch {
    lane.lease.settle('release');
    tail.countRefusal(key, 'no_slot');
    return null;
  }
  if (!tail.budget(key).tryAcquire()) {
    lane.lease.settle('release');
    tail.countRefusal(key, 'budget');
    return null;
  }
  tail.countHedge(key);
  lane.lease.book(context.estimate);
  return lane;
}

/** A lane on another route, holding that route's own breaker permit; null when none is to be had. */
async function laneOnNext(context: HedgeContext, turn: HedgeTurn, on: ChainEntry): Promise<Lane | null> {
  const { routes, clients, config } = context.deps;
  const found = await routeClient(clients, config, on, { clientRequestId: context.options.clientRequestId });
  if (found.kind !== 'client') return null;
  const breaker = routes.breaker(on.route);
  const permit = breaker.tryAcquire();
  if (permit === null) return null;
  const lease = new RouteLease(on.limitKey, routes.tier, { breaker, permit });
  try {
    return turn.laneOn(on, found.resolved, lease);
  } catch (error) {
    lease.settle('release');
    throw error;
  }
}
