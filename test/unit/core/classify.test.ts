import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { classifyError, parseRetryAfter } from '../../../src/core/classify';

function apiError(status: number, type: string | null, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): APIError {
  const body = type === null ? undefined : { type: 'error', error: { type, message: `msg ${type}`, ...extra } };
  return APIError.generate(status, body, undefined, new Headers({ 'request-id': `req_${status}`, ...headers }));
}

test('529 and a mid-stream overloaded_error event are both "overloaded"', { timeout: 5000 }, () => {
  const http = classifyError(apiError(529, 'overloaded_error'));
  assert.equal(http.errorClass, 'overloaded');
  assert.equal(http.status, 529);
  assert.equal(http.requestId, 'req_529');
  const midStream = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers({ 'request-id': 'req_mid' }), 'overloaded_error');
  const c = classifyError(midStream);
  assert.equal(c.errorClass, 'overloaded');
  assert.equal(c.status, null);
  assert.equal(c.requestId, 'req_mid');
});

test('429 rate_limit_error is rate_limited and carries retry-after', { timeout: 5000 }, () => {
  const c = classifyError(apiError(429, 'rate_limit_error', {}, { 'retry-after': '3' }));
  assert.equal(c.errorClass, 'rate_limited');
  assert.equal(c.retryAfterMs, 3000);
  const ms = classifyError(apiError(429, 'rate_limit_error', {}, { 'retry-after-ms': '1500', 'retry-after': '9' }));
  assert.equal(ms.retryAfterMs, 1500);
});

test('a spend-limit 429 and a 402 are spend_limit', { timeout: 5000 }, () => {
  const spend = classifyError(apiError(429, 'rate_limit_error', { details: { error_code: 'enforced_spend_limit_reached' } }));
  assert.equal(spend.errorClass, 'spend_limit');
  assert.equal(spend.errorType, 'enforced_spend_limit_reached');
  assert.equal(classifyError(apiError(402, 'billing_error')).errorClass, 'spend_limit');
});

test('5xx, an HTML 502 and connection resets are transient', { timeout: 5000 }, () => {
  for (const status of [500, 502, 503, 504]) {
    assert.equal(classifyError(apiError(status, 'api_error')).errorClass, 'transient', String(status));
  }
  const html = APIError.generate(502, '<html><body>Bad Gateway</body></html>' as unknown as object, undefined, new Headers({ 'content-type': 'text/html' }));
  assert.equal(classifyError(html).errorClass, 'transient');
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const wrapped = new APIConnectionError({ cause: new TypeError('fetch failed', { cause: reset }) });
  const c = classifyError(wrapped);
  assert.equal(c.errorClass, 'transient');
  assert.equal(c.errorType, 'ECONNRESET');
  assert.equal(classifyError(new APIConnectionError({})).errorClass, 'transient');
});

test('timeouts: the SDK header timeout and our own local aborts', { timeout: 5000 }, () => {
  assert.equal(classifyError(new APIConnectionTimeoutError()).errorClass, 'timeout');
  const stall = classifyError(new APIUserAbortError(), { localAbort: 'idle_timeout' });
  assert.equal(stall.errorClass, 'timeout');
  assert.equal(stall.errorType, 'stall');
  assert.equal(classifyError(new APIUserAbortError(), { localAbort: 'headers_timeout' }).errorClass, 'timeout');
});

test('auth, bad requests and cancels', { timeout: 5000 }, () => {
  assert.equal(classifyError(apiError(401, 'authentication_error')).errorClass, 'auth');
  assert.equal(classifyError(apiError(403, 'permission_error')).errorClass, 'auth');
  for (const status of [400, 413, 422]) assert.equal(classifyError(apiError(status, 'invalid_request_error')).errorClass, 'bad_request');
  const notFound = classifyError(apiError(404, 'not_found_error'));
  assert.equal(notFound.errorClass, 'bad_request');
  assert.equal(notFound.unknownModel, true);
  assert.equal(classifyError(new APIUserAbortError()).errorClass, 'canceled');
  assert.equal(classifyError(new APIUserAbortError(), { localAbort: 'canceled' }).errorClass, 'canceled');
});

test('messages never carry the key', { timeout: 5000 }, () => {
  const key = 'sk-ant-api03-SECRETSECRETSECRET';
  const error = apiError(401, 'authentication_error', { message: `invalid x-api-key ${key}` });
  const c = classifyError(error, { secrets: [key] });
  assert.ok(!c.message.includes(key));
  assert.ok(!c.message.includes('SECRETSECRET'));
});

test('retry-after as an HTTP date', { timeout: 5000 }, () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const headers = new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' });
  assert.equal(parseRetryAfter(headers, now), 5000);
  assert.equal(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now), null);
});

test('retry-after: garbage and negatives are ignored; an absurdly long wait is still a wait, read as a day', { timeout: 5000 }, () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  const day = 24 * 60 * 60_000;
  const read = (headers: Record<string, string>): number | null => parseRetryAfter(new Headers(headers), now);
  for (const garbage of ['-5', 'abc 12', '', '1e3', '0x10', 'NaN']) assert.equal(read({ 'retry-after': garbage }), null, garbage);
  assert.equal(read({ 'retry-after-ms': 'NaN' }), null);
  assert.equal(read({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), null, 'a date in the past');
  assert.equal(read({ 'retry-after': '999999' }), day);
  assert.equal(read({ 'retry-after': '9'.repeat(400) }), day, 'too long to be a finite number, still a hold');
  assert.equal(read({ 'retry-after-ms': '999999999999' }), day);
  assert.equal(read({ 'retry-after': 'Fri, 01 Jan 2100 00:00:00 GMT' }), day);
  assert.equal(read({ 'retry-after': '30' }), 30_000);
});
