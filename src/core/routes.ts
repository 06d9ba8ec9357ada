// Route identity helpers: a route is one provider serving one model.
import type { ProviderId, Route } from './types';

export function routeKey(route: Route): string {
  return `${route.provider}:${route.model}`;
}

export function sameRoute(a: Route, b: Route): boolean {
  return a.provider === b.provider && a.model === b.model;
}

export function makeRoute(provider: ProviderId, model: string): Route {
  return { provider, model };
}
