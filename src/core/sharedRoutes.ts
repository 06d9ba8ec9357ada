// What the managers of one user share when they run in one process (the broker): the route
// state (breakers, retry budgets, holds, the tier's limits, unknown models), the tail state
// (first-token times, hedge budgets) — both keyed by endpoint + model — and the limiter of
// attempts in flight. A manager created without it makes its own.
//
// The rule for settings that differ between managers: the latest applied win, for everyone
// (breaker thresholds and open times, retry budget, hold cap, unknown-model TTL, hedging,
// concurrency). What shapes one request (its chain, retries, deadline, pacing share) stays each
// manager's own.
import type { ManagerConfig } from './contract';
import { systemClock } from './clock';
import { DEFAULT_TAIL } from './defaults';
import { ConcurrencyLimiter } from './policies/limiter';
import { DEFAULT_HOLD_CAP_MS } from './requestRun';
import type { RoutePolicies } from './routeStore';
import { RouteStore } from './routeStore';
import { TailState } from './tailState';

export const DEFAULT_UNKNOWN_MODEL_TTL_MS = 10 * 60_000;

export interface SharedRoutes {
  readonly store: RouteStore;
  readonly tail: TailState;
  readonly limiter: ConcurrencyLimiter;
}

export function routePoliciesOf(config: ManagerConfig): RoutePolicies {
  return {
    breaker: config.breaker,
    budget: config.budget,
    holdCapMs: config.retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS,
    unknownModelTtlMs: config.unknownModelTtlMs ?? DEFAULT_UNKNOWN_MODEL_TTL_MS,
  };
}

/** Fresh shared state under this configuration's policies (and its clock). */
export function createSharedRoutes(config: ManagerConfig): SharedRoutes {
  const clock = config.clock ?? systemClock;
  return {
    store: new RouteStore(clock, routePoliciesOf(config)),
    tail: new TailState(config.tail ?? DEFAULT_TAIL, () => clock.now()),
    limiter: new ConcurrencyLimiter(config.concurrency),
  };
}

/** The latest settings win: this configuration's policies become everyone's. */
export function applySharedPolicies(shared: SharedRoutes, config: ManagerConfig): void {
  shared.store.apply(routePoliciesOf(config));
  shared.tail.updateConfig(config.tail);
  shared.limiter.setLimit(config.concurrency);
}
