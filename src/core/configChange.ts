// Which routes a settings change touches. A route's key names its endpoint (base URL, region,
// project) and model (routes.ts), so a new endpoint or a new model mapping is simply another
// route, whose state is whatever it is (shared with every manager using it). What changes a
// route in place is what the key does not name: its provider's headers or AWS profile (another
// account behind the same endpoint). A model that joins the chain is tried afresh. What was
// learnt about those routes (rate-limit holds, unknown models) is forgotten; every other route
// — a model that left this chain, another window's — keeps its state.
import type { ManagerConfig, ProviderConfig } from './contract';
import type { ProviderId, Route } from './types';
import type { RouteStore } from './routeStore';
import { providerFor, routeKey } from './routes';

function identity(provider: ProviderConfig): string {
  return JSON.stringify([provider.headers ?? {}, provider.awsProfile ?? '']);
}

export function changedRoutes(before: ManagerConfig, after: ManagerConfig): (route: Route) => boolean {
  const old = new Map<ProviderId, string>(before.providers.map((p) => [p.id, identity(p)]));
  const changedProviders = new Set<ProviderId>(after.providers.filter((p) => old.has(p.id) && old.get(p.id) !== identity(p)).map((p) => p.id));
  return (route) => after.models.includes(route.model) && (changedProviders.has(route.provider) || !before.models.includes(route.model));
}

/** Forgets, in the (possibly shared) store, what the change from `before` to `after` makes stale about the routes of `after`. */
export function forgetChangedRoutes(store: RouteStore, before: ManagerConfig, after: ManagerConfig): void {
  const changed = changedRoutes(before, after);
  for (const [key, route] of store.routes()) {
    if (routeKey(route, providerFor(after.providers, route.provider)) === key && changed(route)) store.forget(key);
  }
}
