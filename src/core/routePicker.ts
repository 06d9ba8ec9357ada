// The ordered routes of one request and which of them can still be tried: the
// chain (each model on each provider), what this request has ended (a route, a
// provider's routes, an endpoint), and what the shared state says (open breaker,
// rate-limit hold, unknown model, a prompt that does not fit). When nothing can
// be tried it says why, truthfully, and when the nearest route frees up. A route the
// tier pacer would make wait (or whose next reserve slot is not due) gives way to a
// later route that can go now.
import type { BreakerPermit } from './policies/circuitBreaker';
import type { FailureReach } from './errorClasses';
import type { RequestBounds } from './policies/bounds';
import { buildChain, isUnfit } from './policies/fallbackChain';
import type { PaceCheck } from './policies/tierPacer';
import type { RouteState } from './routeState';
import type { ErrorClass, ProviderId, Route } from './types';

export interface ChainEntry {
  readonly route: Route;
  /** The route's key: its capacity (breaker, budget, unknown model, first-token times). */
  readonly key: string;
  /** Its rate-limit state for this request's credential (holds, the tier's limits, pacing bookings). */
  readonly limitKey: string;
  /** Index into the configured providers (one endpoint each). */
  readonly providerIndex: number;
}

export type Unavailable = 'ended' | 'unknown_model' | 'unfit' | 'exhausted' | 'held' | 'breaker_open';

export interface Blocked {
  readonly entry: ChainEntry;
  readonly why: Unavailable;
  /** When the route frees up (probe or hold end), for 'breaker_open' and 'held'. */
  readonly until: number | null;
}

export type Pick =
  | { readonly kind: 'route'; readonly entry: ChainEntry; readonly permit: BreakerPermit; readonly skipped: Unavailable | null }
  | { readonly kind: 'none'; readonly blocked: readonly Blocked[]; readonly earliest: number | null; readonly inDoubt?: boolean };

/** A route in doubt with as many attempts out as could open its breaker (circuitBreaker.ts): the
 *  request looks again this often for their verdicts (an open breaker sends it down the chain, an
 *  answer started lets it go), up to DOUBT_WAIT_MS; then it goes to the route anyway. */
export const DOUBT_LOOK_MS = 20;
export const DOUBT_WAIT_MS = 3_000;

/** A paced wait up to this long is waited out on the route rather than moving down the chain. */
export const SHORT_PACE_MS = 1_000;
const NO_PACE: PaceCheck = { waitMs: 0, why: null, reserve: false, spacedMs: 0 };

export class RoutePicker {
  readonly chain: readonly ChainEntry[];
  private readonly ended = new Map<string, ErrorClass>();
  private index = 0;
  /** Since when this request has waited on a route in doubt; null when it has not. */
  private doubtSince: number | null = null;

  constructor(
    models: readonly string[],
    providers: readonly ProviderId[],
    primary: string | undefined,
    private readonly routes: RouteState,
    private readonly bounds: RequestBounds,
    private readonly fits: (route: Route) => boolean,
    /** The longest hold worth waiting for on a route instead of moving on. */
    private readonly waitableHoldMs: number,
    /** The tier pacer's word on this request for a route (proactive pacing), by limit key. */
    private readonly pace: (limitKey: string) => PaceCheck = () => NO_PACE,
    /** The scope of the credential this request spends on each provider (credentialScope.ts; '' or absent: none). */
    scopes: readonly string[] = [],
  ) {
    this.chain = buildChain(models, providers, primary).map((route, i) => {
      const providerIndex = i % providers.length;
      return { route, key: routes.see(route), limitKey: routes.seeLimit(route, scopes[providerIndex] ?? ''), providerIndex };
    });
  }

  get first(): ChainEntry {
    return this.chain[0]!;
  }

  /** Goes back to the top of the chain (a route freed up while every route was blocked). */
  rewind(): void {
    this.index = 0;
  }

  /** Moves past the current route. */
  moveOn(): void {
    this.index += 1;
  }

  /** Ends routes for the rest of this request, as far as the failure reaches. */
  end(entry: ChainEntry, reach: FailureReach, errorClass: ErrorClass): void {
    for (const other of this.chain) {
      const hit =
        reach === 'request' ||
        other.key === entry.key ||
        ((reach === 'provider' || reach === 'endpoint') && other.providerIndex === entry.providerIndex);
      if (hit && !this.ended.has(other.key)) this.ended.set(other.key, errorClass);
    }
  }

  /** Is a route after the current one closed-breaker and usable for this request? */
  healthyAfter(entry: ChainEntry, now: number): boolean {
    return this.healthyEntryAfter(entry, now) !== null;
  }

  /** The first route after this one that is closed-breaker, usable for this request and, when
   *  given, accepted by `well` (a hedge's target); null when there is none. */
  healthyEntryAfter(entry: ChainEntry, now: number, well: (entry: ChainEntry) => boolean = () => true): ChainEntry | null {
    const from = this.chain.indexOf(entry) + 1;
    return this.chain.slice(from).find((e) => this.blockOf(e, now) === null && this.routes.breaker(e.route).currentState() === 'closed' && well(e)) ?? null;
  }

  /** How long an attempt on the route must wait first: a hold (the route's, or its rate limit's
   *  for this request's credential) or the tier pacer's. */
  waitOn(entry: ChainEntry): { readonly waitMs: number; readonly paced: PaceCheck } {
    const { pacer } = this.routes;
    const paced = this.pace(entry.limitKey);
    const held = Math.max(pacer.delayFor(entry.key), entry.limitKey === entry.key ? 0 : pacer.delayFor(entry.limitKey));
    return { waitMs: Math.max(held, paced.waitMs), paced };
  }

  /** Why a route cannot be tried now (breaker aside), or null when it can. */
  private blockOf(entry: ChainEntry, now: number): Blocked | null {
    const { route, key } = entry;
    if (this.ended.has(key)) return { entry, why: 'ended', until: null };
    if (this.routes.unknownModels.isUnknown(route)) return { entry, why: 'unknown_model', until: null };
    if (!this.fits(route)) return { entry, why: 'unfit', until: null };
    if (!this.bounds.canAttemptOn(key, now)) return { entry, why: 'exhausted', until: null };
    const hold = this.waitOn(entry).waitMs;
    if (hold > this.waitableHoldMs || (hold > 0 && !this.bounds.fitsWait(now, hold))) return { entry, why: 'held', until: now + hold };
    return null;
  }

  /** Would the tier pacer rather this request went elsewhere (a long paced wait, or a reserve slot not due)? */
  private givesWay(entry: ChainEntry): boolean {
    const { waitMs, paced } = this.waitOn(entry);
    return (paced.reserve && paced.spacedMs > 0) || (paced.waitMs > SHORT_PACE_MS && paced.waitMs >= waitMs);
  }

  pick(now: number): Pick {
    const blocked: Blocked[] = [];
    let earliest: number | null = null;
    let skipped: Unavailable | null = null;
    const deferred: number[] = [];
    const take = (i: number, entry: ChainEntry): Extract<Pick, { kind: 'route' }> | 'wait' | null => {
      const breaker = this.routes.breaker(entry.route);
      let permit = breaker.tryAcquire();
      if (permit === null && breaker.busyInDoubt()) {
        this.doubtSince ??= now;
        if (now - this.doubtSince < DOUBT_WAIT_MS && this.bounds.fitsWait(now, DOUBT_LOOK_MS)) return 'wait';
        permit = breaker.tryAcquire(true);
      }
      if (permit) {
        this.index = i;
        return { kind: 'route', entry, permit, skipped };
      }
      const block: Blocked = { entry, why: 'breaker_open', until: breaker.nextProbeAt() };
      blocked.push(block);
      if (block.until !== null) earliest = earliest === null ? block.until : Math.min(earliest, block.until);
      skipped ??= block.why;
      return null;
    };
    for (let i = this.index; i < this.chain.length; i++) {
      const entry = this.chain[i]!;
      const block = this.blockOf(entry, now);
      if (block === null) {
        // Paced: a later route that can go now is better than waiting here.
        if (this.givesWay(entry)) {
          deferred.push(i);
          continue;
        }
        const picked = take(i, entry);
        if (picked === 'wait') return { kind: 'none', blocked, earliest: now + DOUBT_LOOK_MS, inDoubt: true };
        if (picked) return deferred.length === 0 ? picked : { ...picked, skipped: skipped ?? 'held' };
        continue;
      }
      blocked.push(block);
      if (block.until !== null) earliest = earliest === null ? block.until : Math.min(earliest, block.until);
      skipped ??= block.why;
    }
    for (const i of deferred) {
      const picked = take(i, this.chain[i]!);
      if (picked === 'wait') return { kind: 'none', blocked, earliest: now + DOUBT_LOOK_MS, inDoubt: true };
      if (picked) return picked;
    }
    return { kind: 'none', blocked, earliest };
  }
}

/** Exported for tests: the usual fit rule (context window) for a request's size. */
export function fitsWindow(estimatedInput: number, maxTokens: number): (route: Route) => boolean {
  return (route) => !isUnfit(route, estimatedInput, maxTokens);
}
