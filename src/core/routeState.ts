// One manager's view of the route state (routeStore.ts): its routes are named by its own
// providers' endpoints, so the same model on the same endpoint is the same route for every
// manager sharing the store, and the same model behind another base URL is another route.
// The view forwards the store's events (breakers, holds) about its own routes, warns once
// about a deprecated model, and lists only its own routes' breakers. Rate-limit state is the
// credential's (routes.ts `limitKey`): a view hears of, and shows, the holds of the credentials
// its own requests used or its clients claimed as theirs (`claim`), and of none other.
import type { BreakerConfig, BudgetConfig, Clock, ProviderConfig } from './contract';
import type { ManagerEvent, Route } from './types';
import type { CircuitBreaker } from './policies/circuitBreaker';
import type { SlidingWindowBudget } from './policies/slidingWindowBudget';
import type { RateLimitPacer } from './policies/pacing';
import type { TierPacer } from './policies/tierPacer';
import { RouteStore } from './routeStore';
import { limitKey, providerFor, routeKey, splitLimitKey } from './routes';
import { retirementOf } from './models';

/** The unknown-model memory, by route (the store keeps it by key). */
export interface UnknownRoutes {
  remember(route: Route): void;
  isUnknown(route: Route): boolean;
  forget(route?: Route): void;
}

/** The most limit keys a view remembers as its own (see `seeLimit`). */
const MAX_LIMIT_KEYS = 512;
/** The most credentials one client claims (the latest first): a provider chain may rotate its keys. */
const MAX_CLAIMED_SCOPES = 8;

export class RouteState {
  readonly store: RouteStore;
  readonly unknownModels: UnknownRoutes;
  private providers: readonly ProviderConfig[] = [];
  /** Routes whose deprecation this manager has warned about. */
  private readonly warned = new Set<string>();
  /** The limit keys this manager's requests used (a credential's rate-limit state on a route), oldest first. */
  private readonly limits = new Set<string>();
  /** The credential scopes each client of this manager claimed as its own, and all of them. */
  private readonly claims = new Map<string, readonly string[]>();
  private claimed = new Set<string>();
  private readonly unsubscribe: () => void;

  /**
   * Without `store`, the state is this manager's own. With one, it is shared, and this manager's
   * policies become everyone's (the latest settings win, see routeStore.ts).
   */
  constructor(
    breakerConfig: BreakerConfig,
    budgetConfig: BudgetConfig,
    private readonly clock: Clock,
    private readonly emit: (event: ManagerEvent) => void,
    unknownModelTtlMs: number,
    holdCapMs: number,
    providers?: readonly ProviderConfig[],
    store?: RouteStore,
  ) {
    const policies = { breaker: breakerConfig, budget: budgetConfig, holdCapMs, unknownModelTtlMs };
    this.store = store ?? new RouteStore(clock, policies);
    if (store) store.apply(policies);
    if (providers) this.setProviders(providers);
    this.unsubscribe = this.store.onEvent((key, event) => {
      if (this.covers(key)) this.emit(event);
    });
    const keyOf = (route: Route): string => this.keyOf(route);
    const memory = this.store.unknownModels;
    this.unknownModels = {
      remember: (route) => memory.remember(keyOf(route)),
      isUnknown: (route) => memory.isUnknown(keyOf(route)),
      forget: (route) => memory.forget(route === undefined ? undefined : keyOf(route)),
    };
  }

  get pacer(): RateLimitPacer {
    return this.store.pacer;
  }

  get tier(): TierPacer {
    return this.store.tier;
  }

  /** The providers (endpoints) this manager's routes go to; the first of an id names its routes. */
  setProviders(providers: readonly ProviderConfig[]): void {
    this.providers = [...providers];
  }

  /** The key of a route's state: its endpoint (as this manager configures it) and model. */
  keyOf(route: Route): string {
    return routeKey(route, providerFor(this.providers, route.provider));
  }

  /** Is the route of this key one of this manager's (same endpoint, same model)? A limit key of
   *  another credential's is not, until this manager's requests use that credential. */
  covers(key: string): boolean {
    const route = this.store.route(key);
    const base = this.store.baseOf(key);
    return route !== undefined && this.keyOf(route) === base && (base === key || this.limits.has(key) || this.claimed.has(splitLimitKey(key).scope));
  }

  /** The credentials of these scopes are `claimant`'s (its earlier claim replaced, or with `add`
   *  kept too: a request's credentials, which a chain may have rotated since): their holds are
   *  this manager's to show before any of its requests spends them. Returns whether they changed. */
  claim(claimant: string, scopes: readonly string[], add = false): boolean {
    const before = this.claims.get(claimant);
    const own = [...new Set([...scopes, ...(add ? (before ?? []) : [])].filter((scope) => scope !== ''))].slice(0, MAX_CLAIMED_SCOPES);
    this.claims.set(claimant, own);
    this.claimed = new Set([...this.claims.values()].flat());
    return before === undefined || before.length !== own.length || own.some((scope) => !before.includes(scope));
  }

  /** The claimant is gone: its credentials are no longer this manager's (unless its requests used them). */
  release(claimant: string): void {
    if (this.claims.delete(claimant)) this.claimed = new Set([...this.claims.values()].flat());
  }

  /** Registers a route so its holds and snapshots can name it; returns its key. */
  see(route: Route): string {
    const key = this.keyOf(route);
    this.store.see(key, route);
    return key;
  }

  /** Registers the route's rate-limit state for the credential of this scope (credentialScope.ts); returns its limit key. */
  seeLimit(route: Route, scope: string): string {
    const key = this.see(route);
    this.store.sweepLimitsIfDue();
    const limit = limitKey(key, scope);
    if (limit === key) return key;
    // Most recent last; a manager serving many clients' credentials remembers the latest few hundred.
    this.limits.delete(limit);
    this.limits.add(limit);
    if (this.limits.size > MAX_LIMIT_KEYS) this.limits.delete(this.limits.values().next().value!);
    return limit;
  }

  refusesThinking(route: Route): boolean {
    return this.store.refusesThinking(this.keyOf(route));
  }

  rememberRefusesThinking(route: Route): void {
    this.store.rememberRefusesThinking(this.keyOf(route));
  }

  /** Epoch ms until which the route is held by a rate limit (for a credential this manager's
   *  requests used or a client claimed: the latest such hold), or null. As `claimant` sees it:
   *  the holds on the route and on the credentials it claimed (with no claim, the manager's view). */
  heldUntil(route: Route, claimant?: string): number | null {
    const base = this.keyOf(route);
    const scopes = claimant === undefined ? undefined : this.claims.get(claimant);
    let until: number | null = null;
    for (const key of this.store.limitKeysOf(base)) {
      if (scopes === undefined ? !this.covers(key) : key !== base && !scopes.includes(splitLimitKey(key).scope)) continue;
      const held = this.store.pacer.heldUntil(key);
      if (held !== null && (until === null || held > until)) until = held;
    }
    return until;
  }

  breaker(route: Route): CircuitBreaker {
    const key = this.see(route);
    if (!this.warned.has(key)) {
      // First use of this route by this manager: a deprecated model earns one warning.
      this.warned.add(key);
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
    }
    return this.store.breaker(key, route);
  }

  budget(route: Route): SlidingWindowBudget {
    return this.store.budget(this.see(route));
  }

  /** The breakers of this manager's routes (every model on its endpoints that any manager has used). */
  allBreakers(): CircuitBreaker[] {
    return this.store.breakerEntries().filter(([key]) => this.covers(key)).map(([, breaker]) => breaker);
  }

  /** This manager's new settings: the latest win for every route (see routeStore.ts). */
  updateConfig(breakerConfig: BreakerConfig, budgetConfig: BudgetConfig, holdCapMs: number, unknownModelTtlMs?: number): void {
    this.store.apply({ breaker: breakerConfig, budget: budgetConfig, holdCapMs, unknownModelTtlMs: unknownModelTtlMs ?? this.store.policies.unknownModelTtlMs });
  }

  /** Reset Circuit Breakers: one route of this manager's, or every route of the store (everyone's). */
  reset(route?: Route): void {
    this.store.reset(route === undefined ? undefined : this.keyOf(route));
  }

  /** Stops forwarding the store's events (the manager is gone; the state stays for the others). */
  dispose(): void {
    this.unsubscribe();
  }
}
