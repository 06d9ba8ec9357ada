// A circuit breaker per route. Consecutive overload/transient failures open it;
// after the open period one probe at a time is admitted (half-open); a failed
// probe reopens it for twice as long (up to maxOpenMs); a success closes it.
// Auth, bad requests and the like never move it: they say nothing about capacity.
// A half-open route always settles: a probe that no request takes within
// PROBE_WAIT_MS (the route is behind a working primary, or left the chain) ends
// the wait — the breaker closes with its failure streak kept, so the next failure
// there reopens it at once — and a probe permit never settled is lost after
// PROBE_LEASE_MS, so the route can be probed again.
// A closed breaker in doubt — no answer started since it was made or since its last failure —
// admits no more attempts at once than could open it (its threshold less its streak, one at
// least), so requests that arrive together on a route nobody has seen answer (ten sessions
// started at once on an outage) cost it no more than the threshold: the others wait a little for
// those verdicts (routePicker.ts), then go anyway. A normal permit never settled is let go after
// PROBE_LEASE_MS as a probe's is.
import type { BreakerConfig } from '../contract';
import type { BreakerSnapshot, BreakerState, ErrorClass, Route } from '../types';
import { feedsBreaker } from '../errorClasses';

export interface BreakerTransition {
  readonly time: number;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly nextProbeAt: number | null;
}

/** What the breaker granted: a normal attempt, or the single half-open probe. */
export type BreakerPermit = 'normal' | 'probe';

/** How long a due probe waits for a request before the breaker closes without one. */
export const PROBE_WAIT_MS = 60_000;
/** A probe permit held this long without being settled is taken as lost. */
export const PROBE_LEASE_MS = 120_000;

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private since: number;
  private consecutiveFailures = 0;
  private currentOpenMs: number;
  private openUntil = 0;
  private probeInFlight = false;
  private probeSince = 0;
  /** Since when a half-open breaker has waited for its probe (no probe in flight). */
  private dueSince = 0;
  /** When each normal permit not yet settled was granted (oldest first). */
  private normalSince: number[] = [];
  /** An answer started (or a success came) after the last failure that feeds the breaker. */
  private proven = false;

  constructor(
    readonly route: Route,
    private config: BreakerConfig,
    private readonly now: () => number,
    private readonly onTransition: (transition: BreakerTransition) => void = () => undefined,
  ) {
    this.since = now();
    this.currentOpenMs = config.openMs;
  }

  updateConfig(config: BreakerConfig): void {
    this.config = config;
    this.currentOpenMs = Math.min(Math.max(this.currentOpenMs, config.openMs), config.maxOpenMs);
  }

  /** The state as of now (an expired open period reads as half-open). */
  currentState(): BreakerState {
    this.settle();
    if (this.state === 'open' && this.now() >= this.openUntil) return 'half_open';
    return this.state;
  }

  /** Epoch ms when a probe that is due (or will be) stops waiting for a request and the breaker closes; null when closed or probing. */
  closesAt(): number | null {
    this.settle();
    const due = this.probeDueSince();
    if (due !== null) return due + PROBE_WAIT_MS;
    return this.state === 'open' ? this.openUntil + PROBE_WAIT_MS : null;
  }

  /** Would an attempt be admitted now (without taking the permit)? */
  isAvailable(): boolean {
    const state = this.currentState();
    if (state === 'closed') return true;
    if (state === 'half_open') return !this.probeInFlight;
    return false;
  }

  /**
   * True when other requests are failing on this route too: the breaker is not
   * closed, or its streak of overload/transient failures — longer than the
   * `ownFailures` the asking request saw itself — leaves it one failure from opening.
   * A lone burst seen by one request does not count; route-wide trouble does.
   */
  failingBeyond(ownFailures: number): boolean {
    this.settle();
    if (this.state !== 'closed') return true;
    return this.consecutiveFailures > ownFailures && this.consecutiveFailures >= this.config.failureThreshold - 1;
  }

  /** Epoch ms when an open breaker will admit its next probe; null otherwise. */
  nextProbeAt(): number | null {
    this.settle();
    return this.state === 'open' ? this.openUntil : null;
  }

  /** Closed, in doubt, and as many attempts out as could open it: the next waits for their verdicts. */
  busyInDoubt(): boolean {
    this.settle();
    if (this.state !== 'closed' || this.proven) return false;
    return this.normalSince.length >= Math.max(1, this.config.failureThreshold - this.consecutiveFailures);
  }

  /** A permit, or null; `pastDoubt` (a request that waited its time on a route in doubt) is admitted
   *  to a closed breaker whatever is out. */
  tryAcquire(pastDoubt = false): BreakerPermit | null {
    this.settle();
    if (this.state === 'closed') {
      if (!pastDoubt && this.busyInDoubt()) return null;
      this.normalSince.push(this.now());
      return 'normal';
    }
    if (this.state === 'open') {
      if (this.now() < this.openUntil) return null;
      this.transition('half_open');
    }
    if (this.probeInFlight) return null;
    this.probeInFlight = true;
    this.probeSince = this.now();
    return 'probe';
  }

  /** An answer started on the route (its head came with a success status): the route is no longer
   *  in doubt, though the answer's own verdict is still to come. */
  answerStarted(): void {
    this.proven = true;
  }

  recordSuccess(permit: BreakerPermit): void {
    if (permit === 'probe') this.probeInFlight = false;
    else this.normalSince.shift();
    this.proven = true;
    this.consecutiveFailures = 0;
    this.currentOpenMs = this.config.openMs;
    if (this.state !== 'closed') this.transition('closed');
  }

  recordFailure(permit: BreakerPermit, errorClass: ErrorClass): void {
    if (permit === 'probe') this.probeInFlight = false;
    else this.normalSince.shift();
    if (!feedsBreaker(errorClass)) return;
    this.proven = false;
    this.consecutiveFailures += 1;
    if (permit === 'probe' && this.state === 'half_open') {
      this.currentOpenMs = Math.min(this.currentOpenMs * 2, this.config.maxOpenMs);
      this.open();
      return;
    }
    if (this.state === 'closed' && this.consecutiveFailures >= this.config.failureThreshold) {
      this.open();
    }
  }

  /** An attempt that never reached the route (canceled before sending, say). */
  release(permit: BreakerPermit): void {
    if (permit === 'normal') this.normalSince.shift();
    if (permit !== 'probe' || !this.probeInFlight) return;
    this.probeInFlight = false;
    this.dueSince = this.now(); // the probe is due again, and waits afresh
  }

  reset(): void {
    this.consecutiveFailures = 0;
    this.currentOpenMs = this.config.openMs;
    this.probeInFlight = false;
    if (this.state !== 'closed') this.transition('closed');
  }

  snapshot(): BreakerSnapshot {
    return {
      provider: this.route.provider,
      model: this.route.model,
      state: this.currentState(),
      since: this.since,
      nextProbeAt: this.nextProbeAt(),
      consecutiveFailures: this.consecutiveFailures,
      heldUntil: null,
      closesAt: this.closesAt(),
    };
  }

  /** Since when a probe has been due with none in flight (open period over, or half-open and idle); null otherwise. */
  private probeDueSince(): number | null {
    if (this.state === 'open') return this.now() >= this.openUntil ? this.openUntil : null;
    if (this.state === 'half_open' && !this.probeInFlight) return this.dueSince;
    return null;
  }

  /** A lost probe permit is let go; a probe due for PROBE_WAIT_MS with no request to take it ends the wait. */
  private settle(): void {
    const now = this.now();
    while (this.normalSince.length > 0 && now - this.normalSince[0]! >= PROBE_LEASE_MS) this.normalSince.shift();
    if (this.probeInFlight && now - this.probeSince >= PROBE_LEASE_MS) {
      this.probeInFlight = false;
      this.dueSince = this.probeSince + PROBE_LEASE_MS;
    }
    const due = this.probeDueSince();
    if (due !== null && now >= due + PROBE_WAIT_MS) this.transition('closed', due + PROBE_WAIT_MS);
  }

  private open(): void {
    this.openUntil = this.now() + this.currentOpenMs;
    this.transition('open');
  }

  private transition(to: BreakerState, at = this.now()): void {
    const from = this.state;
    this.state = to;
    this.since = at;
    if (to === 'half_open') this.dueSince = at;
    if (from === to && to !== 'open') return;
    this.onTransition({ time: this.since, from, to, nextProbeAt: this.nextProbeAt() });
  }
}
