// Proactive pacing: never send a request the tier has no room for. From the headers of every
// response it learns each limit (requests, input, output and total tokens per minute), what was
// left and when it refills; every request sent is booked against them with its estimated tokens
// until its own headers come back, so concurrent requests (every window of the broker) never all
// read the same stale `remaining`. A request goes when what the headers said was left, less what
// was booked since those headers, stays above a small safety margin. Background work stops at
// the configured share of the tier (default 80%), keeping the rest for interactive work, which
// may use the tier up to the margin. Above the share its requests are spaced so the reserve lasts to
// the reset: one whose slot is not due yet goes to another route that has room, and uses the
// reserve at once only when no route of its chain has (spacing never adds a wait). When the budget is spent, the route waits for the
// announced reset (plus the header's one-second resolution), then one request probes it and its
// headers say what came back. Reactive holds (429 retry-after, remaining 0) stay in pacing.ts.
import type { Priority } from '../types';
import { parseResetTime, parseRetryAfterHeader } from '../serverValues';

interface HeaderReader {
  get(name: string): string | null;
}

/** What one request will cost, estimated before it is sent. */
export interface PaceEstimate {
  readonly priority: Priority;
  readonly inputTokens: number;
  /** The request's max_tokens (the API estimates output the same way until the answer ends). */
  readonly outputTokens: number;
  /** Fraction of each limit background work may use (0 < share ≤ 1; default 0.8). */
  readonly share?: number;
}

export interface PaceCheck {
  /** How long this request should wait before it is sent on the route (0: now). */
  readonly waitMs: number;
  /** 'spent': no room until the reset; 'probing': a request sent after the reset has not answered yet. */
  readonly why: 'spent' | 'probing' | null;
  /** Sending it would take the route above the share (interactive work using the reserve). */
  readonly reserve: boolean;
  /** In the reserve: how long until its next evenly spaced slot (so the reserve lasts to the reset). */
  readonly spacedMs: number;
}

/** A request booked against a route's limits until its headers come back. */
export interface PaceBooking {
  readonly routeKey: string;
  readonly seq: number;
}

export interface TierPacingOptions {
  /** The limits' window, used when a response names no reset (Anthropic's limits are per minute). */
  readonly windowMs?: number;
  /** Fraction of each limit never used, for what the headers cannot show (default 1%, rounded down). */
  readonly margin?: number;
  /** How long a request waits before looking again while a probe is out. */
  readonly probePollMs?: number;
  /** The route's requests are spent until `until` (epoch ms): shown as a rate-limit hold. */
  readonly onSpent?: (routeKey: string, until: number) => void;
}

const KINDS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
type Kind = (typeof KINDS)[number];

/** Each limit's three headers, named once (every response is read for them). */
const HEADERS: Readonly<Record<Kind, { readonly limit: string; readonly remaining: string; readonly reset: string }>> = Object.fromEntries(
  KINDS.map((kind) => [kind, { limit: `anthropic-ratelimit-${kind}-limit`, remaining: `anthropic-ratelimit-${kind}-remaining`, reset: `anthropic-ratelimit-${kind}-reset` }]),
) as Record<Kind, { readonly limit: string; readonly remaining: string; readonly reset: string }>;

interface Limit {
  limit: number;
  /** What the headers said was left… */
  remaining: number;
  /** …as of the booking whose headers said it (bookings after it are not in `remaining`). */
  seq: number;
  /** From when the window has refilled (the announced reset plus the header's resolution). */
  refreshAt: number;
}

interface Booking {
  readonly seq: number;
  readonly cost: Readonly<Record<Kind, number>>;
  settled: boolean;
}

interface RouteLimits {
  readonly limits: Map<Kind, Limit>;
  bookings: Booking[];
  /** A request sent after a reset, whose answer will say what came back. */
  probe: Booking | null;
  /** When the last request was booked (the reserve is spaced from it). */
  lastBookedAt: number;
}

export const DEFAULT_TIER_SHARE = 0.8;
const DEFAULT_WINDOW_MS = 60_000;
const DEFAULT_MARGIN = 0.01;
const DEFAULT_PROBE_POLL_MS = 250;
/** `anthropic-ratelimit-*-reset` is given to the second: the true reset may be up to 1 s later. */
const RESET_RESOLUTION_MS = 1_000;
/** Bookings kept per route at most (answers that never came back are forgotten oldest first). */
const MAX_BOOKINGS = 10_000;
const FREE: PaceCheck = { waitMs: 0, why: null, reserve: false, spacedMs: 0 };

function costOf(estimate: PaceEstimate | undefined): Record<Kind, number> {
  const input = Math.max(0, estimate?.inputTokens ?? 0);
  const output = Math.max(0, estimate?.outputTokens ?? 0);
  return { requests: 1, tokens: input + output, 'input-tokens': input, 'output-tokens': output };
}

/** The pace check for one attempt under the manager's pacing settings (reactive: never waits). */
export function paceCheck(
  tier: TierPacer,
  routeKey: string,
  pacing: { readonly mode: 'proactive' | 'reactive'; readonly share: number } | undefined,
  estimate: Omit<PaceEstimate, 'share'>,
): PaceCheck {
  if (pacing?.mode === 'reactive') return FREE;
  return tier.check(routeKey, { ...estimate, share: pacing?.share ?? DEFAULT_TIER_SHARE });
}

export class TierPacer {
  private readonly routes = new Map<string, RouteLimits>();
  private readonly windowMs: number;
  private readonly margin: number;
  private readonly probePollMs: number;
  private nextSeq = 1;

  constructor(
    private readonly now: () => number,
    private readonly options: TierPacingOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.margin = options.margin ?? DEFAULT_MARGIN;
    this.probePollMs = options.probePollMs ?? DEFAULT_PROBE_POLL_MS;
  }

  private route(routeKey: string): RouteLimits {
    let route = this.routes.get(routeKey);
    if (!route) {
      route = { limits: new Map(), bookings: [], probe: null, lastBookedAt: -Infinity };
      this.routes.set(routeKey, route);
    }
    return route;
  }

  private bookedAfter(route: RouteLimits, kind: Kind, seq: number): number {
    let sum = 0;
    for (const b of route.bookings) if (b.seq > seq) sum += b.cost[kind];
    return sum;
  }

  /** What is left of a limit now, as far as this pacer knows. */
  private available(route: RouteLimits, kind: Kind, known: Limit): number {
    return known.remaining - this.bookedAfter(route, kind, known.seq);
  }

  /** Whether this request may go now, or how long it should wait. Books nothing. */
  check(routeKey: string, estimate?: PaceEstimate): PaceCheck {
    const share = estimate?.share ?? DEFAULT_TIER_SHARE;
    if (!(share > 0 && share <= 1)) throw new RangeError(`pacing share must be in (0, 1], got ${share}`);
    const route = this.routes.get(routeKey);
    if (!route || route.limits.size === 0) return FREE;
    const now = this.now();
    const background = estimate?.priority === 'background';
    const cost = costOf(estimate);
    let until = now;
    let why: PaceCheck['why'] = null;
    let reserve = false;
    let spacedUntil = now;
    for (const [kind, known] of route.limits) {
      if (kind !== 'requests' && cost[kind] <= 0) continue;
      const available = this.available(route, kind, known);
      const left = available - cost[kind];
      const margin = Math.floor(known.limit * this.margin);
      // (Rounded so that 10 × (1 − 0.8) is 2, not 1.9999…)
      const shareFloor = Math.round(known.limit * (1 - share) * 1e6) / 1e6;
      if (left >= (background ? Math.max(margin, shareFloor) : margin)) {
        // (A reserve of less than one whole request or token is none.)
        if (left < Math.floor(shareFloor)) {
          reserve = true;
          // Spread what is left over the time to the reset, one slot per request's cost.
          if (known.refreshAt > now) spacedUntil = Math.max(spacedUntil, route.lastBookedAt + ((known.refreshAt - now) * cost[kind]) / Math.max(available, cost[kind]));
        }
        continue;
      }
      if (now >= known.refreshAt) {
        // The window has refilled since: one request finds out by how much. Background work
        // probes no faster than its share of the limit, or probing alone would take it past.
        const shareSlot = background ? route.lastBookedAt + this.windowMs / (known.limit * share) : now;
        if (route.probe !== null) {
          until = Math.max(until, now + this.probePollMs);
          why ??= 'probing';
        } else if (shareSlot > now) {
          until = Math.max(until, shareSlot);
          why = 'spent';
        }
        continue;
      }
      until = Math.max(until, known.refreshAt);
      why = 'spent';
      if (kind === 'requests' && left < margin) this.options.onSpent?.(routeKey, known.refreshAt);
    }
    const spacedMs = Math.max(0, spacedUntil - now);
    return until > now ? { waitMs: until - now, why, reserve, spacedMs } : { waitMs: 0, why: null, reserve, spacedMs };
  }

  /** Books a request that is being sent now; settle (or cancel) it when it ends. */
  book(routeKey: string, estimate?: PaceEstimate): PaceBooking {
    const route = this.route(routeKey);
    const now = this.now();
    const cost = costOf(estimate);
    const booking: Booking = { seq: this.nextSeq++, cost, settled: false };
    // Sent past a reset the budget said was spent: it is the probe.
    let probe = false;
    for (const [kind, known] of route.limits) {
      if (now >= known.refreshAt && this.available(route, kind, known) - cost[kind] < Math.floor(known.limit * this.margin)) probe = true;
    }
    route.bookings.push(booking);
    route.lastBookedAt = now;
    if (probe && route.probe === null) route.probe = booking;
    if (route.bookings.length > MAX_BOOKINGS) route.bookings = route.bookings.filter((b, i) => !b.settled || i >= route.bookings.length - MAX_BOOKINGS);
    return { routeKey, seq: booking.seq };
  }

  /**
   * Learns the route's limits from a response's headers, and how much of them is left as of the
   * booked request they answer (without one, as of before every request still out).
   */
  observe(routeKey: string, headers: HeaderReader | null | undefined, booking?: PaceBooking | null): void {
    if (!headers) return;
    const now = this.now();
    let route: RouteLimits | undefined;
    for (const kind of KINDS) {
      const names = HEADERS[kind];
      const limit = Number(headers.get(names.limit));
      if (!Number.isFinite(limit) || limit <= 0) continue;
      route ??= this.route(routeKey);
      const remainingText = headers.get(names.remaining);
      const remaining = remainingText === null ? NaN : Number(remainingText);
      const known = route.limits.get(kind);
      if (!Number.isFinite(remaining)) {
        if (known) known.limit = limit;
        continue;
      }
      const seq = booking?.seq ?? Math.min(this.nextSeq, ...route.bookings.filter((b) => !b.settled).map((b) => b.seq)) - 1;
      const resetText = headers.get(names.reset);
      let refreshAt = this.refreshAt(headers, resetText, now, limit, remaining);
      // A 429 names no reset, only its retry-after: a later reset already announced still stands.
      if (known && resetText === null) refreshAt = Math.max(refreshAt, known.refreshAt);
      const fresh: Limit = { limit, remaining, seq, refreshAt };
      if (!known) {
        route.limits.set(kind, fresh);
        continue;
      }
      // Newer news wins; older news too when it shows less left in the same window (answers
      // may come back in another order than the server counted them).
      const sameWindow = Math.abs(refreshAt - known.refreshAt) < RESET_RESOLUTION_MS;
      if (seq > known.seq || (sameWindow && this.available(route, kind, fresh) < this.available(route, kind, known))) {
        Object.assign(known, fresh);
      } else {
        known.limit = limit;
      }
    }
    if (route && booking && route.probe?.seq === booking.seq) route.probe = null;
    if (route) this.prune(route);
  }

  /** The booked request ended (answered or not); what it cost stays counted until newer headers. */
  settle(booking: PaceBooking): void {
    const route = this.routes.get(booking.routeKey);
    if (!route) return;
    const found = route.bookings.find((b) => b.seq === booking.seq);
    if (found) found.settled = true;
    if (route.probe?.seq === booking.seq) route.probe = null;
    this.prune(route);
  }

  /** The booked request was never sent. */
  cancel(booking: PaceBooking): void {
    const route = this.routes.get(booking.routeKey);
    if (!route) return;
    route.bookings = route.bookings.filter((b) => b.seq !== booking.seq);
    if (route.probe?.seq === booking.seq) route.probe = null;
  }

  /** The keys with learned limits or bookings. */
  keys(): IterableIterator<string> {
    return this.routes.keys();
  }

  /** Forgets the routes where nothing is in force any more: no request out (nor a probe) and
   *  every learned limit past its reset (what comes back then is a fresh route's: no pacing). */
  sweep(): void {
    const now = this.now();
    for (const [key, route] of this.routes) {
      if (route.probe !== null || route.bookings.some((b) => !b.settled)) continue;
      let live = false;
      for (const known of route.limits.values()) if (known.refreshAt > now) live = true;
      if (!live) this.routes.delete(key);
    }
  }

  /** Forgets what was learned (breakers reset, settings changed). */
  reset(routeKey?: string): void {
    if (routeKey === undefined) this.routes.clear();
    else this.routes.delete(routeKey);
  }

  private refreshAt(headers: HeaderReader, resetText: string | null, now: number, limit: number, remaining: number): number {
    // A reset just past may still be ahead: the header drops the fraction of its second.
    const reset = parseResetTime(resetText, now - RESET_RESOLUTION_MS);
    if (reset !== null) return reset + RESET_RESOLUTION_MS;
    const retryAfter = parseRetryAfterHeader(headers.get('retry-after'), now);
    if (retryAfter !== null) return now + retryAfter;
    // No word on the reset: assume the spent part refills at the limit's rate.
    return now + (this.windowMs * Math.max(1, limit - remaining)) / limit;
  }

  /** Drops bookings every limit's headers already account for. */
  private prune(route: RouteLimits): void {
    if (route.limits.size === 0) {
      route.bookings = route.bookings.filter((b) => !b.settled);
      return;
    }
    let oldest = Number.POSITIVE_INFINITY;
    for (const known of route.limits.values()) oldest = Math.min(oldest, known.seq);
    // (Most calls find nothing to drop: the list is copied only when something goes.)
    if (route.bookings.some((b) => b.seq <= oldest && b.settled)) route.bookings = route.bookings.filter((b) => b.seq > oldest || !b.settled);
  }
}
