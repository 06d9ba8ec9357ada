// The retry decision, as a pure function: given how an attempt failed, what the
// route looks like, the request's bounds and the route's retry budget, say what
// happens next — wait and retry the same route, retry it at once with the request
// adapted, move on to the next route (and how far the failure reaches), or end
// the request. No I/O, no clock reads, no randomness of its own: the orchestrator
// (requestRun.ts) supplies `now` and `random` and carries out the decision.
import type { RetryConfig } from './contract';
import type { FailureReach } from './errorClasses';
import { policyOf } from './errorClasses';
import type { ErrorClass } from './types';
import type { BackoffState } from './policies/backoff';
import { decideWait } from './policies/backoff';

/** How the attempt failed (from the classifier). */
export interface FailureView {
  readonly errorClass: ErrorClass;
  readonly status: number | null;
  /** The server's wait hint, already parsed strictly and bounded (null when absent or nonsense). */
  readonly retryAfterMs: number | null;
  readonly unknownModel: boolean;
  /** A rejection of this model on this provider only (another route may take the same request). */
  readonly modelSpecific: boolean;
  readonly message: string;
}

/** What the orchestrator knows about the route and the request at this moment. */
export interface RouteView {
  /** Attempts this request has made on this route (including the one that failed). */
  readonly attemptsOnRoute: number;
  /** The bounds still allow another attempt on this route. */
  readonly canAttemptOnRoute: boolean;
  /** The route's breaker would admit another attempt. */
  readonly breakerAvailable: boolean;
  /** Other requests are failing on this route too (its streak is longer than this request's own). */
  readonly othersFailing: boolean;
  /** A later route in the chain is closed-breaker and usable for this request. */
  readonly healthyLaterRoute: boolean;
  /** The caller has already received part of the answer. */
  readonly continuing: boolean;
  /** The request asks for thinking on this attempt. */
  readonly thinkingOn: boolean;
}

export interface DecideBounds {
  readonly retry: RetryConfig;
  /** Milliseconds left before the request's deadline. */
  readonly remainingMs: number;
  /** The longest hold a rate-limit hint may place on a route. */
  readonly holdCapMs: number;
}

export interface BudgetView {
  /** The route's retry budget still has a retry to give. */
  readonly retryAvailable: boolean;
}

export type Decision =
  | { readonly kind: 'retry'; readonly delayMs: number; readonly backoff: BackoffState; readonly fromServer: boolean }
  /** Retry the same route at once without what the model refused (thinking). */
  | {
      readonly kind: 'adapt';
      readonly drop: 'thinking';
      /** The model itself refuses thinking (remember it for the route), rather than this request's shape. */
      readonly modelRefuses: boolean;
    }
  | {
      readonly kind: 'next_route';
      readonly reason: ErrorClass;
      readonly reach: FailureReach;
      /** Hold the route for everyone until this time (a rate limit that asked for a long wait). */
      readonly holdUntil: number | null;
      /** The move is because the retry budget is spent (warn once). */
      readonly budgetSpent: boolean;
      /** Remember the model as unknown on this route. */
      readonly unknownModel: boolean;
    }
  /** The route will not take the partial answer as a prefill: keep what was delivered. */
  | { readonly kind: 'finish_incomplete' }
  | { readonly kind: 'fail'; readonly errorClass: ErrorClass };

/** A broken connection is retried at once the first time, after at most this much jitter the
 *  second time; later retries back off as any other. */
export const FRESH_CONNECTION_RETRY_MS = 50;
export const FRESH_CONNECTION_RETRIES = 2;

/** A failure of the connection rather than of the model: reset or stalled before the server
 *  answered, or a gateway's 502 page. Retrying it at once on a fresh connection costs no more load
 *  than retrying it later, and the wait would only add latency. */
function connectionLevel(failure: FailureView): boolean {
  if (failure.retryAfterMs !== null) return false;
  if (failure.errorClass === 'timeout') return true;
  return failure.errorClass === 'transient' && (failure.status === null || failure.status === 502);
}

/** A timeout is retried once on a fresh connection; a route that stalls twice is likely to stall again. */
export const TIMEOUT_ATTEMPTS_PER_ROUTE = 2;

function nextRoute(
  failure: FailureView,
  reach: FailureReach,
  extra: Partial<{ holdUntil: number | null; budgetSpent: boolean; unknownModel: boolean }> = {},
): Decision {
  return {
    kind: 'next_route',
    reason: failure.errorClass,
    reach,
    holdUntil: extra.holdUntil ?? null,
    budgetSpent: extra.budgetSpent ?? false,
    unknownModel: extra.unknownModel ?? false,
  };
}

/** How far a failure that is not retried reaches, refined from the class table by what the failure says. */
export function reachOf(failure: FailureView): FailureReach {
  const base = policyOf(failure.errorClass).reach;
  if (failure.errorClass === 'auth') return failure.status === 403 ? 'route' : 'provider';
  if (failure.errorClass === 'bad_request' && (failure.unknownModel || failure.modelSpecific)) return 'route';
  return base;
}

export function decide(
  failure: FailureView,
  route: RouteView,
  bounds: DecideBounds,
  budget: BudgetView,
  backoff: BackoffState,
  now: number,
  random: () => number,
): Decision {
  const policy = policyOf(failure.errorClass);
  if (failure.errorClass === 'canceled') return { kind: 'fail', errorClass: 'canceled' };

  if (failure.errorClass === 'bad_request') {
    // The caller's own thinking settings refused (a budget, a malformed field) are the API's answer
    // to the caller, not something a retry without thinking should paper over.
    const callersValue = /budget_tokens|\bthinking(\.[\w-]+)*:/i.test(failure.message);
    if (route.thinkingOn && !failure.unknownModel && !callersValue && /thinking/i.test(failure.message)) {
      return { kind: 'adapt', drop: 'thinking', modelRefuses: /not supported|does not support/i.test(failure.message) };
    }
    if (route.continuing && !failure.unknownModel) return { kind: 'finish_incomplete' };
  }

  if (!policy.retryRoute) return nextRoute(failure, reachOf(failure), { unknownModel: failure.unknownModel });

  // A server that asks for longer than the request can wait (a 429's or a 529's retry-after, however
  // absurd) holds the route for everyone, capped and visible; the request moves on at once.
  const hint = failure.retryAfterMs;
  if (hint !== null && (hint > bounds.retry.retryAfterCapMs || hint >= bounds.remainingMs)) {
    return nextRoute(failure, 'route', { holdUntil: now + Math.min(hint, bounds.holdCapMs) });
  }

  const timedOutTwice = failure.errorClass === 'timeout' && route.attemptsOnRoute >= TIMEOUT_ATTEMPTS_PER_ROUTE;
  if (!route.canAttemptOnRoute || !route.breakerAvailable || timedOutTwice) return nextRoute(failure, 'route');

  // A lone overload or transient burst earns a short backoff on the route. When other requests
  // are failing there too and a later route is healthy, sleeping here only delays the answer.
  if (policy.feedsBreaker && route.othersFailing && route.healthyLaterRoute) return nextRoute(failure, 'route');

  const wait = decideWait({ ...bounds.retry, jitter: bounds.retry.jitter ?? 'full' }, backoff, hint, random);
  if (wait.kind === 'fall_back' || wait.delayMs >= bounds.remainingMs) return nextRoute(failure, 'route');
  if (!budget.retryAvailable) return nextRoute(failure, 'route', { budgetSpent: true });
  if (backoff.retries < FRESH_CONNECTION_RETRIES && connectionLevel(failure)) {
    // The retry budget bounds how many there are; a wait would only add latency to each.
    const jitterMs = backoff.retries === 0 ? 0 : Math.floor(Math.min(1, Math.max(0, random())) * FRESH_CONNECTION_RETRY_MS);
    return { kind: 'retry', delayMs: jitterMs, backoff: wait.state, fromServer: false };
  }
  return { kind: 'retry', delayMs: wait.delayMs, backoff: wait.state, fromServer: wait.fromServer };
}
