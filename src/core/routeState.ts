// The shared, long-lived state of every route: its breaker and retry budget,
// plus what the API told us (unknown models, rate-limit pacing). One instance
// per manager; requests read and feed it.
import type { BreakerConfig, BudgetConfig, Clock } from './contract';
import type { ManagerEvent, Route } from './types';
import { CircuitBreaker } from './policies/circuitBreaker';
import { RetryBudget } from './policies/retryBudget';
import { RateLimitPacer } from './policies/pacing';
import { TierPacer } from './policies/tierPacer';
import { UnknownModelMemory } from './policies/fallbackChain';
import { routeKey } from './routes';
import { retirementOf } from './models';

export class RouteState {
  private readonly breakerByKey = new Map<string, CircuitBreaker>();
  private readonly budgetByKey = new Map<string, RetryBudget>();
  readonly pacer: RateLimitPacer;
  /** Proactive pacing under a share of each route's limits (one per manager: per user in the broker). */
  readonly tier: TierPacer;
  readonly unknownModels: UnknownModelMemory;

  /** Routes whose model answered 400 to extended thinking (adapted from then on). */
  private readonly noThinking = new Set<string>();
  /** Every route this state has seen, by key (for events and snapshots). */
  private readonly known = new Map<string, Route>();

  constructor(
    private breakerConfig: BreakerConfig,
    private budgetConfig: BudgetConfig,
    private readonly clock: Clock,
    private readonly emit: (event: ManagerEvent) => void,
    unknownModelTtlMs: number,
    holdCapMs: number,
  ) {
    const now = () => this.clock.now();
    this.pacer = new RateLimitPacer(now, holdCapMs, (key, until) => {
      const route = this.known.get(key);
      if (route) this.emit({ type: 'hold', time: this.clock.now(), provider: route.provider, model: route.model, until });
    });
    this.unknownModels = new UnknownModelMemory(now, unknownModelTtlMs);
    this.tier = new TierPacer(now);
  }

  /** Registers a route so its holds and snapshots can name it. */
  see(route: Route): string {
    const key = routeKey(route);
    if (!this.known.has(key)) this.known.set(key, route);
    return key;
  }

  refusesThinking(route: Route): boolean {
    return this.noThinking.has(routeKey(route));
  }

  rememberRefusesThinking(route: Route): void {
    this.noThinking.add(routeKey(route));
  }

  /** Epoch ms until which the route is held by a rate limit, or null. */
  heldUntil(route: Route): number | null {
    return this.pacer.heldUntil(routeKey(route));
  }

  breaker(route: Route): CircuitBreaker {
    const key = this.see(route);
    let breaker = this.breakerByKey.get(key);
    if (!breaker) {
      // First use of this route by this manager: a deprecated model earns one warning.
      const retires = retirementOf(route.model);
      if (retires) {
        this.emit({
          type: 'warning',
          time: this.clock.now(),
          code: 'deprecated_model',
          message: `${route.model} is deprecated and retires on ${retires}; choose a newer model.`,
          model: route.model,
        });
      }
      breaker = new CircuitBreaker(route, this.breakerConfig, () => this.clock.now(), (t) =>
        this.emit({ type: 'breaker', time: t.time, provider: route.provider, model: route.model, from: t.from, to: t.to, nextProbeAt: t.nextProbeAt }),
      );
      this.breakerByKey.set(key, breaker);
    }
    return breaker;
  }

  budget(route: Route): RetryBudget {
    const key = routeKey(route);
    let budget = this.budgetByKey.get(key);
    if (!budget) {
      budget = new RetryBudget(this.budgetConfig, () => this.clock.now());
      this.budgetByKey.set(key, budget);
    }
    return budget;
  }

  allBreakers(): CircuitBreaker[] {
    return [...this.breakerByKey.values()];
  }

  updateConfig(breakerConfig: BreakerConfig, budgetConfig: BudgetConfig, holdCapMs: number): void {
    this.breakerConfig = breakerConfig;
    this.budgetConfig = budgetConfig;
    this.pacer.setCap(holdCapMs);
    for (const breaker of this.breakerByKey.values()) breaker.updateConfig(breakerConfig);
    for (const budget of this.budgetByKey.values()) budget.updateConfig(budgetConfig);
  }

  /** Reset Circuit Breakers: breakers, retry budgets, rate-limit holds and unknown-model memory. */
  reset(route?: Route): void {
    if (route) {
      const key = routeKey(route);
      this.breakerByKey.get(key)?.reset();
      this.budgetByKey.get(key)?.reset();
      this.pacer.clear(key);
      this.unknownModels.forget(route);
      return;
    }
    for (const breaker of this.breakerByKey.values()) breaker.reset();
    for (const budget of this.budgetByKey.values()) budget.reset();
    this.pacer.clear();
    this.unknownModels.forget();
  }

  /** A settings change: what was learnt about the routes it changes (holds, unknown models) no longer holds. */
  forgetRoutes(changed: (route: Route) => boolean): void {
    for (const [key, route] of this.known) {
      if (!changed(route)) continue;
      this.pacer.clear(key);
      this.unknownModels.forget(route);
    }
  }
}
