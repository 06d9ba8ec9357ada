// What a client receives when the manager gives up: the upstream's status and error type, our
// plain-language message (which names what was tried) — or, when the API refused the request
// itself (a 4xx: invalid request, credentials, spend limit), the API's own message as it sent it —,
// the last request id, and
// `x-should-retry: false` — the official SDKs and Claude Code then stop after one attempt
// instead of multiplying ours by their own retries. While a route of the request is held by
// a rate limit, `retry-after` says honestly until when.
import type { FailureOutcome } from '../../core/types';
import type { ErrorClass } from '../../shared/vocabulary';

const STATUS_BY_CLASS: Readonly<Record<ErrorClass, number>> = {
  overloaded: 529,
  rate_limited: 429,
  spend_limit: 429,
  transient: 502,
  timeout: 504,
  auth: 401,
  bad_request: 400,
  canceled: 499,
  unreachable: 502,
};

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const API_ERROR_TYPE = /^[a-z_]+_error$|^request_too_large$/;

/** Failures that are the API's answer to the request itself: its own words are what the client gets. */
const API_ANSWERS: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['bad_request', 'auth', 'spend_limit']);

export interface FailureResponse {
  readonly status: number;
  readonly errorType: string;
  readonly body: { readonly type: 'error'; readonly error: { readonly type: string; readonly message: string }; readonly request_id: string | null };
  readonly headers: Readonly<Record<string, string>>;
}

/** `retryAfterMs`: how long until a held route of the request frees up, when one is held. */
export function failureResponse(outcome: Pick<FailureOutcome, 'attempts' | 'error'>, retryAfterMs: number | null): FailureResponse {
  // The answer the API's words came with, when it was not the last (outcome.error.apiRequestId).
  const apiRequestId = outcome.error.apiRequestId;
  const told = apiRequestId === undefined ? undefined : outcome.attempts.find((attempt) => attempt.requestId === apiRequestId);
  const reported = told !== undefined ? [told] : [...outcome.attempts].reverse();
  const last = reported.find((attempt) => attempt.status !== null && attempt.status >= 400);
  // A request its client left is counted as gone, whatever an attempt before met.
  const status = outcome.error.class === 'canceled' ? STATUS_BY_CLASS.canceled : last?.status ?? STATUS_BY_CLASS[outcome.error.class];
  const lastType = reported.find((attempt) => attempt.errorType !== null && API_ERROR_TYPE.test(attempt.errorType))?.errorType;
  const errorType = lastType ?? TYPE_BY_STATUS[status] ?? 'api_error';
  const requestId = told?.requestId ?? outcome.error.requestIds.at(-1) ?? null;
  const headers: Record<string, string> = { ...givenUpHeaders(retryAfterMs), 'x-resilient-claude-attempts': String(outcome.attempts.length) };
  if (requestId !== null) headers['request-id'] = requestId;
  const apiMessage = outcome.error.apiMessage;
  const message = apiMessage !== undefined && API_ANSWERS.has(outcome.error.class) ? apiMessage : outcome.error.message;
  return { status, errorType, body: { type: 'error', error: { type: errorType, message }, request_id: requestId }, headers };
}

/** What every error answer the endpoint ends a request with says: no retry of the client's own, and,
 *  while a route of the request is held (`retryAfterMs` from now), until when. */
export function givenUpHeaders(retryAfterMs: number | null): Record<string, string> {
  return { 'x-should-retry': 'false', ...(retryAfterMs !== null && retryAfterMs > 0 ? { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) } : {}) };
}

/** An error the endpoint itself answers (bad request, refused credential), before anything goes upstream. */
export function localError(errorType: string, message: string): FailureResponse['body'] {
  return { type: 'error', error: { type: errorType, message }, request_id: null };
}

/** Why a request that presented the endpoint's token cannot be served: nobody provided the user's credentials. */
export const NO_USER_CREDENTIAL =
  'The endpoint has no stored credential to serve this token with: open VS Code with Resilient Claude and a key set (Resilient Claude: Set API Key), or run `serve` with ANTHROPIC_API_KEY; or send your own key.';
