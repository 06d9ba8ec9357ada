// The one classifier: every failure (an SDK error, a mid-stream `event: error`,
// a local timeout or cancel) maps to exactly one ErrorClass of the taxonomy.
import type { ErrorClass } from './types';
import { redactSecrets, shortMessage } from './redact';
import { describeClass } from './errorClasses';
import { parseRetryAfterHeader, parseRetryAfterMs, sanitizeServerToken } from './serverValues';
import { isRecord } from '../shared/isRecord';

/** Why the manager itself aborted an attempt, when it did. */
export type LocalAbortReason = 'headers_timeout' | 'idle_timeout' | 'deadline' | 'canceled';

export interface Classification {
  readonly errorClass: ErrorClass;
  /** The API's error type (`overloaded_error`, …) or a local one (`stall`, `ECONNRESET`). */
  readonly errorType: string;
  readonly status: number | null;
  readonly requestId: string | null;
  /** Plain-language and secret-free. */
  readonly message: string;
  /** From `retry-after-ms` / `retry-after`, when the server sent one. */
  readonly retryAfterMs: number | null;
  /** A 404 that says the model does not exist (skip the route, remember it). */
  readonly unknownModel: boolean;
  /** A rejection that concerns this model on this provider only (unknown or unavailable model id,
   *  a feature the model lacks): another route may still take the same request. */
  readonly modelSpecific?: boolean;
  /** The API's own error message, as it sent it (secrets redacted), when an HTTP error carried one. */
  readonly apiMessage?: string;
}

/** Does a 400/404 message say the model (or a feature of it) is the problem rather than the request? */
function modelRejected(message: string | null, type: string | null): boolean {
  if (type === 'validationException' || type === 'ValidationException') return true;
  if (!message) return false;
  return /\bmodel\b|model id|not supported on this model|does not support|thinking is not supported|inference profile/i.test(message);
}

const SPEND_LIMIT_CODES = new Set(['enforced_spend_limit_reached', 'spend_limit_reached', 'credit_balance_too_low']);

const TYPE_TO_CLASS: Readonly<Record<string, ErrorClass>> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  billing_error: 'spend_limit',
  api_error: 'transient',
  timeout_error: 'transient',
  authentication_error: 'auth',
  permission_error: 'auth',
  invalid_request_error: 'bad_request',
  not_found_error: 'bad_request',
  request_too_large: 'bad_request',
  // Amazon Bedrock's event-stream exceptions, as the Bedrock SDK names a stream's `error` event.
  throttlingException: 'rate_limited',
  validationException: 'bad_request',
};

/** The connection never reached the server: the user's network, proxy or base URL. */
const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const CONNECTION_CODES = new Set([
  ...UNREACHABLE_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

interface HeaderReader {
  get(name: string): string | null;
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function asHeaders(value: unknown): HeaderReader | null {
  return isRecord(value) && typeof value['get'] === 'function' ? (value as unknown as HeaderReader) : null;
}

/** The server's wait hint: `retry-after-ms` (milliseconds) or `retry-after` (seconds or an
 *  HTTP-date), parsed strictly; negative, garbage or past values count as absent, a very long
 *  one is read as a day (the manager caps the hold it places). */
export function parseRetryAfter(headers: HeaderReader | null, now: number = Date.now()): number | null {
  if (!headers) return null;
  return parseRetryAfterMs(headers.get('retry-after-ms')) ?? parseRetryAfterHeader(headers.get('retry-after'), now);
}

/** Walks `cause` links looking for a socket error code. */
function connectionCode(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    const code = asString(current['code']);
    if (code && CONNECTION_CODES.has(code)) return code;
    const message = asString(current['message']);
    if (message && /other side closed|socket hang up|terminated/i.test(message) && depth > 0) return 'ECONNRESET';
    current = current['cause'];
  }
  return null;
}

function isAbortError(error: unknown): boolean {
  const name = asString(field(error, 'name'));
  return name === 'AbortError' || name === 'APIUserAbortError' || name === 'CanceledError';
}

function classForStatus(status: number, errorCode: string | null): ErrorClass {
  if (status === 529) return 'overloaded';
  if (status === 402) return 'spend_limit';
  if (status === 429) return errorCode && SPEND_LIMIT_CODES.has(errorCode) ? 'spend_limit' : 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status === 409) return 'transient';
  if (status >= 500) return 'transient';
  return 'bad_request';
}

export { describeClass };

function build(
  errorClass: ErrorClass,
  errorType: string,
  status: number | null,
  requestId: string | null,
  detail: string | null,
  retryAfterMs: number | null,
  secrets: readonly string[],
  unknownModel = false,
): Classification {
  const head = describeClass(errorClass);
  const tag = status !== null ? `${status} ${errorType}` : errorType;
  const text = detail ? `${head} (${tag}): ${detail}` : `${head} (${tag})`;
  return {
    errorClass,
    errorType,
    status,
    requestId,
    message: shortMessage(redactSecrets(text, secrets)),
    retryAfterMs,
    unknownModel,
  };
}

export interface ClassifyContext {
  /** Set when the manager aborted the attempt itself. */
  readonly localAbort?: LocalAbortReason | null;
  /** Secrets to scrub from messages (the current API key). */
  readonly secrets?: readonly string[];
  readonly now?: number;
  /** The host the attempt went to, named when it cannot be reached. */
  readonly host?: string | null;
  /** The provider's name, named when its credentials fail. */
  readonly providerName?: string;
}

/**
 * Maps any failure of an attempt to one class. Works on the SDK's error
 * classes by shape (status, type, error.details.error_code, headers), so the
 * SDK can stay lazily loaded.
 */
export function classifyError(error: unknown, context: ClassifyContext = {}): Classification {
  const secrets = context.secrets ?? [];
  const local = context.localAbort ?? null;
  const headers = asHeaders(field(error, 'headers'));
  const requestId = sanitizeServerToken(asString(field(error, 'requestID')) ?? headers?.get('request-id'), secrets);
  if (local === 'headers_timeout') {
    return build('timeout', 'headers_timeout', null, requestId, 'no response headers in time', null, secrets);
  }
  if (local === 'idle_timeout') {
    return build('timeout', 'stall', null, requestId, 'the response stopped arriving', null, secrets);
  }
  if (local === 'deadline') {
    return build('timeout', 'deadline', null, requestId, 'the request deadline passed', null, secrets);
  }
  if (local === 'canceled' || isAbortError(error)) {
    return build('canceled', 'canceled', null, requestId, null, null, secrets);
  }
  const name = asString(field(error, 'name'));
  if (name === 'APIConnectionTimeoutError') {
    return build('timeout', 'headers_timeout', null, requestId, 'no response headers in time', null, secrets);
  }

  const rawStatus = field(error, 'status');
  const status = typeof rawStatus === 'number' && rawStatus > 0 ? rawStatus : null;
  const body = field(error, 'error');
  const bodyError = field(body, 'error');
  const rawType = asString(field(error, 'type')) ?? asString(field(bodyError, 'type'));
  const type = rawType === null ? null : sanitizeServerToken(rawType, secrets) ?? 'unrecognised_error';
  const rawCode = asString(field(error, 'errorCode')) ?? asString(field(field(bodyError, 'details'), 'error_code'));
  const errorCode = rawCode === null ? null : sanitizeServerToken(rawCode, secrets) ?? 'unrecognised_code';
  const apiMessage = asString(field(error, 'apiMessage')) ?? asString(field(bodyError, 'message'));
  const retryAfterMs = parseRetryAfter(headers, context.now);

  if (status !== null) {
    const errorClass = classForStatus(status, errorCode);
    const errorType = errorCode ?? type ?? (status === 502 ? 'bad_gateway' : `http_${status}`);
    const unknownModel = status === 404 && (type === 'not_found_error' || type === null);
    const modelSpecific = unknownModel || (errorClass === 'bad_request' && modelRejected(apiMessage, type));
    const detail = errorClass === 'auth' && context.providerName ? `${context.providerName} rejected the credentials${apiMessage ? ` — ${apiMessage}` : ''}` : apiMessage;
    const fromApi = apiMessage === null ? {} : { apiMessage: redactSecrets(apiMessage, secrets) };
    return { ...build(errorClass, errorType, status, requestId, detail, retryAfterMs, secrets, unknownModel), modelSpecific, ...fromApi };
  }

  // No status: a mid-stream `event: error` (type set) or a network failure.
  if (type) {
    const errorClass = errorCode && SPEND_LIMIT_CODES.has(errorCode) ? 'spend_limit' : TYPE_TO_CLASS[type] ?? 'transient';
    const modelSpecific = errorClass === 'bad_request' && modelRejected(apiMessage, type);
    return { ...build(errorClass, type, null, requestId, apiMessage ?? 'error event during the stream', retryAfterMs, secrets), modelSpecific };
  }

  if (name === 'TruncatedStream') {
    return build('transient', 'incomplete_stream', null, requestId, 'the stream ended early', null, secrets);
  }
  const code = connectionCode(error);
  if (code && UNREACHABLE_CODES.has(code)) {
    const where = context.host ? `Can't reach ${context.host}` : "Can't reach the server";
    return { ...build('unreachable', code, null, requestId, null, null, secrets), message: shortMessage(redactSecrets(`${where} (${code}) — check your network, proxy or base URL`, secrets)) };
  }
  if (code) {
    return build('transient', code, null, requestId, 'the connection failed', null, secrets);
  }
  if (name === 'APIConnectionError' || (name === 'TypeError' && /fetch failed|terminated/i.test(asString(field(error, 'message')) ?? ''))) {
    return build('transient', 'connection_error', null, requestId, 'the connection failed', null, secrets);
  }
  const message = asString(field(error, 'message'));
  return build('transient', name ?? 'unknown_error', null, requestId, message, null, secrets);
}
