// The long-lived state of every route, by route key (endpoint + model, see routes.ts): its
// breaker and retry budget, and what the API told us (rate-limit holds, the tier's limits,
// unknown models, models that refuse thinking). Rate-limit holds and the tier's limits are the
// credential's (the API counts them per organization): they are kept by limit key (the route's
// key and the credential's scope, routes.ts `limitKey`, which names its route). A credential's
// rate-limit state is dropped once nothing of it is in force (no hold ahead, no request out,
// every learned limit past its reset), so the credentials of many clients, or rotated keys, do
// not pile up. An in-process manager has one store of its own; the broker has one for the whole
// user, shared by every manager it runs, whatever their chains.
//
// One policy for everyone: breakers, retry budgets, the hold cap and the unknown-model TTL
// follow the latest settings applied (`apply`: a manager created or attached, or a settings
// change), for every route, so two windows never disagree about when a shared breaker opens.
import type { BreakerConfig, BudgetConfig, Clock } from './contract';
import type { ManagerEvent, Route } from './types';
import { CircuitBreaker } from './policies/circuitBreaker';
import { retryWindow, SlidingWindowBudget } from './policies/slidingWindowBudget';
import { RateLimitPacer } from './policies/pacing';
import { TierPacer } from './policies/tierPacer';
import { Emitter } from '../shared/emitter';
import type { Unsubscribe } from '../shared/emitter';
import { UnknownModelMemory } from './policies/fallbackChain';
import { splitLimitKey } from './routes';

export interface RoutePolicies {
  readonly breaker: BreakerConfig;
  readonly budget: BudgetConfig;
  /** The longest a rate-limit hint may hold a route. */
  readonly holdCapMs: number;
  /** How long a model the API answered 404 for stays skipped. */
  readonly unknownModelTtlMs: number;
}

/** Rate-limit state no longer in force is looked for at most this often (when a request names its limit key). */
export const LIMIT_SWEEP_EVERY_MS = 60_000;

/** A route event (breaker transition, hold) and the key of the route it concerns. */
export type RouteEventListener = (key: string, event: ManagerEvent) => void;

export class RouteStore {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly budgets = new Map<string, SlidingWindowBudget>();
  private readonly noThinking = new Set<string>();
  /** Every route seen, by key (so holds and snapshots can name it). */
  private readonly known = new Map<string, Route>();
  private readonly events = new Emitter<Parameters<RouteEventListener>>();
  private current: RoutePolicies;
  readonly pacer: RateLimitPacer;
  /** Proactive pacing under a share of each route's limits (per user in the broker). */
  readonly tier: TierPacer;
  readonly unknownModels: UnknownModelMemory;
  private lastSweep: number;

  constructor(
    private readonly clock: Clock,
    policies: RoutePolicies,
  ) {
    this.current = policies;
    const now = (): number => this.clock.now();
    this.pacer = new RateLimitPacer(now, policies.holdCapMs, (key, until) => {
      const route = this.route(key);
      if (route) this.emit(key, { type: 'hold', time: this.clock.now(), provider: route.provider, model: route.model, until });
    });
    this.unknownModels = new UnknownModelMemory(now, policies.unknownModelTtlMs);
    // A route whose requests the tier pacer finds spent is shown held until the reset, like a 429's.
    this.tier = new TierPacer(now, { onSpent: (key, until) => this.pacer.hold(key, until) });
    this.lastSweep = clock.now();
  }

  get policies(): RoutePolicies {
    return this.current;
  }

  /** The latest settings win: every route's breaker and budget follows them from now on. */
  apply(policies: RoutePolicies): void {
    this.current = policies;
    this.pacer.setCap(policies.holdCapMs);
    this.unknownModels.setTtl(policies.unknownModelTtlMs);
    for (const breaker of this.breakers.values()) breaker.updateConfig(policies.breaker);
    for (const budget of this.budgets.values()) budget.updateSettings(retryWindow(policies.budget));
  }

  onEvent(listener: RouteEventListener): Unsubscribe {
    return this.events.on(listener);
  }

  see(key: string, route: Route): void {
    if (!this.known.has(key)) this.known.set(key, route);
  }

  /** Called as requests name their limit keys: now and then, what is no longer in force goes. */
  sweepLimitsIfDue(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < LIMIT_SWEEP_EVERY_MS) return;
    this.sweepLimits();
  }

  /** Drops the rate-limit state no longer in force: holds that have ended, the tier's limits past
   *  their reset with no request out. Fresh state is what a dropped key comes back to. */
  sweepLimits(): void {
    this.lastSweep = this.clock.now();
    this.pacer.sweep();
    this.tier.sweep();
  }

  /** The route key a key names: itself, or the route of a limit key. */
  baseOf(key: string): string {
    return splitLimitKey(key).base;
  }

  /** The limit keys of one route that hold rate-limit state, its own key first. */
  limitKeysOf(key: string): string[] {
    const keys = new Set([key]);
    for (const limit of [...this.pacer.keys(), ...this.tier.keys()]) if (limit !== key && this.baseOf(limit) === key) keys.add(limit);
    return [...keys];
  }

  /** Every limit key holding rate-limit state (a hold, the tier's limits, a booking). */
  limitKeys(): string[] {
    return [...new Set([...this.pacer.keys(), ...this.tier.keys()])];
  }

  /** The route of a route key or of a limit key. */
  route(key: string): Route | undefined {
    return this.known.get(this.baseOf(key));
  }

  /** Every route seen, with its key. */
  routes(): Array<[string, Route]> {
    return [...this.known];
  }

  breaker(key: string, route: Route): CircuitBreaker {
    this.see(key, route);
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(route, this.current.breaker, () => this.clock.now(), (t) =>
        this.emit(key, { type: 'breaker', time: t.time, provider: route.provider, model: route.model, from: t.from, to: t.to, nextProbeAt: t.nextProbeAt }),
      );
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  /** The breakers that exist, with their keys. */
  breakerEntries(): Array<[string, CircuitBreaker]> {
    return [...this.breakers];
  }

  budget(key: string): SlidingWindowBudget {
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new SlidingWindowBudget(retryWindow(this.current.budget), () => this.clock.now());
      this.budgets.set(key, budget);
    }
    return budget;
  }

  refusesThinking(key: string): boolean {
    return this.noThinking.has(key);
  }

  rememberRefusesThinking(key: string): void {
    this.noThinking.add(key);
  }

  /** Reset Circuit Breakers: breakers, retry budgets, rate-limit holds, the tier's learned limits
   *  and unknown-model memory, of one route (for every credential) or of all: fresh state. */
  reset(key?: string): void {
    if (key !== undefined) {
      this.breakers.get(key)?.reset();
      this.budgets.get(key)?.reset();
      this.forget(key);
      return;
    }
    for (const breaker of this.breakers.values()) breaker.reset();
    for (const budget of this.budgets.values()) budget.reset();
    this.pacer.clear();
    this.tier.reset();
    this.unknownModels.forget();
  }

  /** A settings change: what was learnt about this route (its holds and the tier's limits, for
   *  every credential; that its model is unknown) no longer holds. */
  forget(key: string): void {
    for (const limit of this.limitKeysOf(key)) {
      this.pacer.clear(limit);
      this.tier.reset(limit);
    }
    this.unknownModels.forget(key);
  }

  private emit(key: string, event: ManagerEvent): void {
    this.events.emit(key, event);
  }
}
