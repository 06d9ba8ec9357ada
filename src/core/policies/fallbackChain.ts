// The ordered routes of one request (primary model first, each on every
// provider in order) and the rules that make a route unavailable: an open
// breaker, a model the API said does not exist (remembered for a while), or a
// request that does not fit the model's context window.
import type { ProviderId, Route } from '../types';
import { contextWindowOf } from '../models';
import { routeKey } from '../routes';

export type SkipReason = 'breaker_open' | 'unknown_model' | 'unfit';

export function buildChain(models: readonly string[], providers: readonly ProviderId[], primaryOverride?: string): Route[] {
  const ordered = primaryOverride ? [primaryOverride, ...models.filter((m) => m !== primaryOverride)] : [...models];
  const routes: Route[] = [];
  for (const model of ordered) {
    for (const provider of providers) routes.push({ provider, model });
  }
  return routes;
}

/** Routes the API answered 404 for, remembered for `ttlMs`. */
export class UnknownModelMemory {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number = 10 * 60_000,
  ) {}

  remember(route: Route): void {
    this.until.set(routeKey(route), this.now() + this.ttlMs);
  }

  isUnknown(route: Route): boolean {
    const key = routeKey(route);
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.now() >= until) {
      this.until.delete(key);
      return false;
    }
    return true;
  }

  forget(route?: Route): void {
    if (route) this.until.delete(routeKey(route));
    else this.until.clear();
  }
}

/** True when the request (prompt estimate + max output) cannot fit the model's context window. */
export function isUnfit(route: Route, estimatedInputTokens: number, maxTokens: number): boolean {
  const window = contextWindowOf(route.model);
  return window !== null && estimatedInputTokens + maxTokens > window;
}
