// The shared, long-lived state of every route: its breaker and retry budget,
// plus what the API told us (unknown models, rate-limit pacing). One instance
// per manager; requests read and feed it.
import type { BreakerConfig, BudgetConfig, Clock } from './contract';
import type { ManagerEvent, Route } from './types';
import { CircuitBreaker } from './policies/circuitBreaker';
import { RetryBudget } from './policies/retryBudget';
import { RateLimitPacer } from './policies/pacing';
import { UnknownModelMemory } from './policies/fallbackChain';
import { routeKey } from './routes';
import { retirementOf } from './models';

export class RouteState {
  private readonly breakerByKey = new Map<string, CircuitBreaker>();
  private readonly budgetByKey = new Map<string, RetryBudget>();
  readonly pacer: RateLimitPacer;
  readonly unknownModels: UnknownModelMemory;

  constructor(
    private breakerConfig: BreakerConfig,
    private budgetConfig: BudgetConfig,
    private readonly clock: Clock,
    private readonly emit: (event: ManagerEvent) => void,
    unknownModelTtlMs: number,
  ) {
    const now = () => this.clock.now();
    this.pacer = new RateLimitPacer(now);
    this.unknownModels = new UnknownModelMemory(now, unknownModelTtlMs);
  }

  breaker(route: Route): CircuitBreaker {
    const key = routeKey(route);
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

  updateConfig(breakerConfig: BreakerConfig, budgetConfig: BudgetConfig): void {
    this.breakerConfig = breakerConfig;
    this.budgetConfig = budgetConfig;
    for (const breaker of this.breakerByKey.values()) breaker.updateConfig(breakerConfig);
    for (const budget of this.budgetByKey.values()) budget.updateConfig(budgetConfig);
  }

  reset(route?: Route): void {
    if (route) {
      this.breakerByKey.get(routeKey(route))?.reset();
      this.unknownModels.forget(route);
      return;
    }
    for (const breaker of this.breakerByKey.values()) breaker.reset();
    this.unknownModels.forget();
  }
}
