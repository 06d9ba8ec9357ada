// What each error class means, in one table: whether the same route is worth
// another try, whether the failure says something about the route's capacity
// (feeds its breaker, counts in its 529 history), how far the failure reaches
// (this route, every route of the provider, every route on the same endpoint,
// or the whole request) and how it is worded for a person. Everything that
// needs to know what a class means reads it here; a new class is a compile
// error until it has a row.
import type { ErrorClass } from '../shared/vocabulary';

/**
 * How far a failure that is not retried reaches within one request:
 * - 'route': only this provider+model; the next route may still serve.
 * - 'provider': every route of this provider (its credentials or spend limit).
 * - 'endpoint': every route on the same host (the network cannot reach it).
 * - 'request': nothing else can succeed; the request ends.
 */
export type FailureReach = 'route' | 'provider' | 'endpoint' | 'request';

export interface ClassPolicy {
  /** Worth another attempt on the same route after a wait. */
  readonly retryRoute: boolean;
  /** Counts toward the route's circuit breaker. */
  readonly feedsBreaker: boolean;
  /** A sign that the service is in trouble (alerts, the panel's failure badge). */
  readonly serviceTrouble: boolean;
  /** Counts in the model's attempt history (a failure of the user's own network does not). */
  readonly countsForModel: boolean;
  /** When not retried (or retries run out): how far the failure reaches. */
  readonly reach: FailureReach;
  /** The head of the plain-language message. */
  readonly wording: string;
  /** A short label for progress lines ("Overloaded — retrying in 2 s"). */
  readonly label: string;
  /** Why a route was left, as a few words after the model's name ("Opus rate limited — trying Sonnet"). */
  readonly phrase: string;
  /** Why a request that ended in this class failed, in a sentence. */
  readonly reason: string;
}

export const ERROR_CLASS_POLICY = {
  overloaded: {
    label: 'Overloaded',
    phrase: 'overloaded',
    reason: 'Anthropic reported its servers overloaded (529) on every model tried.',
    retryRoute: true,
    feedsBreaker: true,
    serviceTrouble: true,
    countsForModel: true,
    reach: 'route',
    wording: 'Claude is overloaded',
  },
  rate_limited: {
    label: 'Rate limited',
    phrase: 'rate limited',
    reason: 'The API rate limit (429) was hit and the wait it asked for was too long.',
    retryRoute: true,
    feedsBreaker: false,
    serviceTrouble: true,
    countsForModel: true,
    reach: 'route',
    wording: 'Rate limited',
  },
  spend_limit: {
    label: 'Spend limit reached',
    phrase: 'at its spend limit',
    reason: 'The account has reached its spend limit; requests fail until it resets or is raised.',
    retryRoute: false,
    feedsBreaker: false,
    serviceTrouble: false,
    countsForModel: true,
    reach: 'provider',
    wording: 'Spend limit reached — requests will fail until the limit resets or is raised',
  },
  transient: {
    label: 'Server or network error',
    phrase: 'failing (server or network error)',
    reason: 'The server or the network failed repeatedly (5xx or dropped connections).',
    retryRoute: true,
    feedsBreaker: true,
    serviceTrouble: true,
    countsForModel: true,
    reach: 'route',
    wording: 'Temporary server or network error',
  },
  timeout: {
    label: 'Timed out',
    phrase: 'timed out',
    reason: 'The server stopped responding in time.',
    retryRoute: true,
    feedsBreaker: false,
    serviceTrouble: true,
    countsForModel: true,
    reach: 'route',
    wording: 'Timed out',
  },
  auth: {
    label: 'Authentication failed',
    phrase: 'refused the credentials',
    reason: 'The provider rejected the credentials (401/403). Set valid credentials for it.',
    retryRoute: false,
    feedsBreaker: false,
    serviceTrouble: false,
    countsForModel: true,
    reach: 'route',
    wording: 'Authentication failed',
  },
  bad_request: {
    label: 'Request rejected',
    phrase: 'rejected the request',
    reason: 'The API rejected the request as invalid.',
    retryRoute: false,
    feedsBreaker: false,
    serviceTrouble: false,
    countsForModel: true,
    reach: 'provider',
    wording: 'The request was rejected',
  },
  canceled: {
    label: 'Canceled',
    phrase: 'canceled',
    reason: 'The request was canceled.',
    retryRoute: false,
    feedsBreaker: false,
    serviceTrouble: false,
    countsForModel: true,
    reach: 'request',
    wording: 'Canceled',
  },
  unreachable: {
    label: "Can't reach the server",
    phrase: 'unreachable',
    reason: "The server could not be reached from this machine: check your network, proxy or base URL.",
    retryRoute: false,
    feedsBreaker: false,
    serviceTrouble: false,
    countsForModel: false,
    reach: 'endpoint',
    wording: "Can't reach the server",
  },
} as const satisfies Record<ErrorClass, ClassPolicy>;

export function policyOf(errorClass: ErrorClass): ClassPolicy {
  return ERROR_CLASS_POLICY[errorClass];
}

export function describeClass(errorClass: ErrorClass): string {
  return ERROR_CLASS_POLICY[errorClass].wording;
}

export function feedsBreaker(errorClass: ErrorClass): boolean {
  return ERROR_CLASS_POLICY[errorClass].feedsBreaker;
}

export function isServiceTrouble(errorClass: ErrorClass): boolean {
  return ERROR_CLASS_POLICY[errorClass].serviceTrouble;
}
