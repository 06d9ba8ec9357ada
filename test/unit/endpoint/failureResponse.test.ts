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

test('a refusal of the request itself (bad request, credentials, spend limit) carries the API\'s own message; a give-up on overloads keeps ours', () => {
  const refused = { ...failure([attempt(400, 'invalid_request_error', 'req_9')], 'bad_request'), error: { class: 'bad_request' as const, message: 'The request was rejected (400 invalid_request_error): temperature: …', requestIds: ['req_9'], apiMessage: 'temperature: Input should be a number between 0 and 1' } };
  assert.deepEqual(failureResponse(refused, null).body, { type: 'error', error: { type: 'invalid_request_error', message: 'temperature: Input should be a number between 0 and 1' }, request_id: 'req_9' });
  const overloaded = failure([attempt(529, 'overloaded_error', 'req_1')], 'overloaded');
  const withApiWords = { ...overloaded, error: { ...overloaded.error, apiMessage: 'Overloaded' } };
  assert.equal(failureResponse(withApiWords, null).body.error.message, 'Every model is overloaded.');
});
