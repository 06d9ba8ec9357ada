import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureResponse } from '../../../src/broker/endpoint/failureResponse';
import type { AttemptRecord, FailureOutcome } from '../../../src/core/types';

function attempt(status: number | null, errorType: string | null, requestId: string | null): AttemptRecord {
  return { time: 0, provider: 'anthropic', model: 'm', attempt: 1, status, errorClass: 'overloaded', errorType, latencyMs: 1, requestId, clientRequestId: 'c' };
}

function failure(attempts: AttemptRecord[], errorClass: FailureOutcome['error']['class']): FailureOutcome {
  return { ok: false, text: '', clientRequestId: 'c', attempts, error: { class: errorClass, message: 'Every model is overloaded.', requestIds: attempts.map((a) => a.requestId).filter((id): id is string => id !== null) } };
}

test('the upstream status and error type, our message, the last request id, and no retry', () => {
  const response = failureResponse(failure([attempt(529, 'overloaded_error', 'req_1'), attempt(529, 'overloaded_error', 'req_2')], 'overloaded'), null);
  assert.equal(response.status, 529);
  assert.deepEqual(response.body, { type: 'error', error: { type: 'overloaded_error', message: 'Every model is overloaded.' }, request_id: 'req_2' });
  assert.equal(response.headers['x-should-retry'], 'false');
  assert.equal(response.headers['request-id'], 'req_2');
  assert.equal(response.headers['retry-after'], undefined);
});

test('a held route gives an honest retry-after (whole seconds, rounded up)', () => {
  const response = failureResponse(failure([attempt(429, 'rate_limit_error', 'req_1')], 'rate_limited'), 4_200);
  assert.equal(response.status, 429);
  assert.equal(response.headers['retry-after'], '5');
});

test('no status from upstream (reset, stall, no route): the status of the class', () => {
  assert.equal(failureResponse(failure([attempt(null, 'ECONNRESET', null)], 'transient'), null).status, 502);
  const none = failureResponse(failure([], 'overloaded'), null);
  assert.equal(none.status, 529);
  assert.equal(none.body.error.type, 'overloaded_error');
  assert.equal(none.body.request_id, null);
});
