// The ordered routes of one request (primary model first, each on every
// provider in order) and the rules that make a route unavailable: an open
// breaker, a model the API said does not exist (remembered for a while), or a
// request that does not fit the model's context window.
import type { ProviderId, Route } from '../types';
import { contextWindowOf } from '../models';

export type SkipReason = 'breaker_open' | 'unknown_model' | 'unfit';

export function buildChain(models: readonly string[], providers: readonly ProviderId[], primaryOverride?: string): Route[] {
  const ordered = primaryOverride ? [primaryOverride, ...models.filter((m) => m !== primaryOverride)] : [...models];
  const routes: Route[] = [];
  for (const model of ordered) {
    for (const provider of providers) routes.push({ provider, model });
  }
  return routes;
}

/** Routes the API answered 404 for (by route key, see routes.ts), remembered for `ttlMs`. */
export class UnknownModelMemory {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private ttlMs: number = 10 * 60_000,
  ) {}

  /** How long the next 404 is remembered (what is remembered already keeps its time). */
  setTtl(ttlMs: number): void {
    this.ttlMs = ttlMs;
  }

  remember(key: string): void {
    this.until.set(key, this.now() + this.ttlMs);
  }

  isUnknown(key: string): boolean {
    const until = this.until.get(key);
    if (until === undefined) return false;
    if (this.now() >= until) {
      this.until.delete(key);
      return false;
    }
    return true;
  }

  forget(key?: string): void {
    if (key !== undefined) this.until.delete(key);
    else this.until.clear();
  }
}

/** True when the request (prompt estimate + max output) cannot fit the model's context window. */
export function isUnfit(route: Route, estimatedInputTokens: number, maxTokens: number): boolean {
  const window = contextWindowOf(route.model);
  return window !== null && estimatedInputTokens + maxTokens > window;
}
