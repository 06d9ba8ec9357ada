// What the retry decision sees of a route after a failed attempt on it: this request's
// attempts there and whether it may make another, the breaker's word (and whether other
// requests fail there too), whether a healthy route follows in the chain, and the answer's state.
import type { RouteView } from './decide';
import type { RequestBounds } from './policies/bounds';
import type { ChainEntry, RoutePicker } from './routePicker';
import type { RouteState } from './routeState';

export function routeView(routes: RouteState, bounds: RequestBounds, picker: RoutePicker, entry: ChainEntry, now: number, answer: { readonly continuing: boolean; readonly thinkingOn: boolean }): RouteView {
  const breaker = routes.breaker(entry.route);
  const attemptsOnRoute = bounds.attemptsOn(entry.key);
  return {
    attemptsOnRoute,
    canAttemptOnRoute: bounds.canAttemptOn(entry.key, now),
    breakerAvailable: breaker.isAvailable(),
    othersFailing: breaker.failingBeyond(attemptsOnRoute),
    healthyLaterRoute: picker.healthyAfter(entry, now),
    continuing: answer.continuing,
    thinkingOn: answer.thinkingOn,
  };
}
