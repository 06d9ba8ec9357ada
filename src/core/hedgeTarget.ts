// Where a hedge goes. While the late attempt's route is well, a fresh connection
// on the same route; while it is sick — its breaker not closed or other requests
// failing on it, its retry budget in alarm, or its first tokens lately twice as
// slow as usual — the next route of the chain that is well and can take this
// request, so a sick route gets no extra load and the hedge a better chance.
// A route that is sick with no well route after it gets no hedge (the alarm or
// outage says why); one that is merely slow is hedged on itself.
import type { HedgeRefusal } from './policies/hedgeGate';
import type { ChainEntry } from './routePicker';
import type { RouteState } from './routeState';
import type { TailState } from './tailState';

export type Sickness = 'outage' | 'retry_alarm' | 'slow';

/** Why a route should not take a hedge beside its own late attempt, or null when it is well. */
export function sicknessOf(routes: RouteState, tail: TailState, entry: ChainEntry): Sickness | null {
  const breaker = routes.breaker(entry.route);
  if (breaker.currentState() !== 'closed' || breaker.failingBeyond(0)) return 'outage';
  if (routes.budget(entry.route).alarmed()) return 'retry_alarm';
  if (tail.tracker(entry.key).degraded()) return 'slow';
  return null;
}

export type HedgeTarget =
  | { readonly kind: 'same' }
  | { readonly kind: 'next'; readonly entry: ChainEntry; readonly sickness: Sickness }
  | { readonly kind: 'none'; readonly refusal: HedgeRefusal };

/** The hedge's route: the same one when well, else `next` (the first well route after it, if any). */
export function hedgeTarget(sickness: Sickness | null, next: ChainEntry | null): HedgeTarget {
  if (sickness === null) return { kind: 'same' };
  if (next !== null) return { kind: 'next', entry: next, sickness };
  return sickness === 'slow' ? { kind: 'same' } : { kind: 'none', refusal: sickness };
}
