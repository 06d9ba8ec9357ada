// The batch lane's pure pieces: limits checked before sending, the cost estimate,
// the polling schedule, the reading of results and of failed calls.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyError } from '../../../src/core/classify';
import { problemFor } from '../../../src/core/batch/batchErrors';
import { batchPrice, describeEstimate, estimateBatch } from '../../../src/core/batch/batchEstimate';
import { MAX_BATCH_REQUESTS, batchLimitProblem, customIdFor } from '../../../src/core/batch/batchLimits';
import { nextPollDelay } from '../../../src/core/batch/batchPolling';
import { resultMarkdown, summaryMarkdown, toResultEntries } from '../../../src/core/batch/batchResults';
import { EMPTY_COUNTS } from '../../../src/core/batch/batchTypes';
import type { BatchRecord, BatchRequestSpec } from '../../../src/core/batch/batchTypes';

const spec = (customId: string, content = 'hello', model = 'claude-opus-5-5', maxTokens = 100): BatchRequestSpec => ({
  customId,
  label: customId,
  params: { model, max_tokens: maxTokens, messages: [{ role: 'user', content }] },
});

function apiError(status: number, type: string, requestId = 'req_x'): unknown {
  return {
    name: 'APIError',
    status,
    error: { type: 'error', error: { type, message: 'nope' } },
    headers: new Headers({ 'request-id': requestId }),
  };
}

const RECORD: BatchRecord = {
  localId: 'batch_1',
  batchId: 'msgbatch_1',
  title: 'Review',
  model: 'claude-opus-5-5',
  createdAt: 0,
  status: 'ended',
  counts: { ...EMPTY_COUNTS, succeeded: 1, errored: 1, expired: 1 },
  total: 3,
  expiresAt: null,
  endedAt: '2026-11-29T12:00:00.000Z',
  createRequestId: 'req_create',
  estimate: { inputTokens: 1, maxOutputTokens: 1, costUsd: 0, bytes: 1 },
  requests: [
    { customId: 'r1-a_ts', label: 'a.ts' },
    { customId: 'r2-b_ts', label: 'b.ts' },
    { customId: 'r3-c_ts', label: 'c.ts' },
  ],
  problem: null,
  resultsStored: true,
  notified: false,
};

describe('batch limits', () => {
  it('makes a valid, unique custom_id from any file name', () => {
    assert.equal(customIdFor('src/app.ts', 0), 'r1-src_app_ts');
    assert.equal(customIdFor('日本語.md', 4), 'r5-md');
    assert.equal(customIdFor('x'.repeat(200), 9).length, 64);
    assert.equal(batchLimitProblem([spec(customIdFor('a b', 0)), spec(customIdFor('a b', 1))]), null);
  });

  it('refuses an empty batch, too many requests, too many bytes, bad or repeated ids before sending', () => {
    assert.match(batchLimitProblem([]) ?? '', /at least one/);
    const many = Array.from({ length: MAX_BATCH_REQUESTS + 1 }, (_, i) => spec(`r${i}`));
    assert.match(batchLimitProblem(many, 1000) ?? '', /at most 100,000 requests; this one has 100,001/);
    assert.match(batchLimitProblem([spec('a')], 300 * 1024 * 1024) ?? '', /at most 256 MB; this one is 300\.0 MB/);
    assert.match(batchLimitProblem([spec('has space')]) ?? '', /not 1-64/);
    assert.match(batchLimitProblem([spec('a'), spec('a')]) ?? '', /used twice/);
  });
});

describe('batch estimate', () => {
  it('counts about four characters a token and prices at half the live price, saying it is an estimate', () => {
    const estimate = estimateBatch([spec('a', 'x'.repeat(4000), 'claude-opus-5-5', 1000), spec('b', 'y'.repeat(400), 'claude-opus-5-5', 1000)]);
    assert.equal(estimate.inputTokens, 1100);
    assert.equal(estimate.maxOutputTokens, 2000);
    // Opus: $5 / $25 per MTok live, half in a batch.
    assert.ok(Math.abs((estimate.costUsd ?? 0) - (1100 * 2.5 + 2000 * 12.5) / 1e6) < 1e-9);
    assert.deepEqual(batchPrice('claude-haiku-5-5'), { input: 0.5, output: 2.5 });
    assert.equal(batchPrice('some-other-model'), null);
    assert.match(describeEstimate(estimate), /≈ 1,100 input tokens, up to 2,000 output tokens, at most ≈ \$0\.03 at batch prices \(an estimate/);
    assert.match(describeEstimate(estimateBatch([spec('a', 'x', 'mystery')])), /no price known/);
  });
});

describe('batch polling schedule', () => {
  it('starts gently and backs off to a ceiling', () => {
    const schedule = { initialMs: 5000, maxMs: 60_000, factor: 2 };
    const delays: number[] = [];
    let last: number | null = null;
    for (let i = 0; i < 6; i++) delays.push((last = nextPollDelay(last, schedule)));
    assert.deepEqual(delays, [5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    assert.equal(nextPollDelay(100, schedule), 5000, 'never more often than the first wait');
  });
});

describe('batch errors', () => {
  it('reads 401 as a refused key, 403 as no batch access, 404 as an unknown batch, and keeps the request id', () => {
    const refused = problemFor('create', classifyError(apiError(401, 'authentication_error', 'req_a')), null);
    assert.equal(refused.kind, 'invalid_api_key');
    assert.equal(refused.requestId, 'req_a');
    assert.match(refused.message, /Submitting the batch failed: the API key was refused \(401 authentication_error\)/);
    assert.equal(problemFor('create', classifyError(apiError(403, 'permission_error')), null).kind, 'no_batch_access');
    const gone = problemFor('retrieve', classifyError(apiError(404, 'not_found_error')), 'msgbatch_9');
    assert.equal(gone.kind, 'not_found');
    assert.match(gone.message, /msgbatch_9/);
    const busy = problemFor('create', classifyError(apiError(529, 'overloaded_error')), null);
    assert.equal(busy.kind, 'api_error');
    assert.equal(busy.errorClass, 'overloaded');
  });

  it('never repeats a key that appears in an error message', () => {
    const key = 'sk-ant-api03-secretsecretsecret';
    const c = classifyError({ ...(apiError(400, 'invalid_request_error') as object), error: { type: 'error', error: { type: 'invalid_request_error', message: `bad ${key}` } } }, { secrets: [key] });
    assert.ok(!problemFor('create', c, null).message.includes(key));
  });
});

describe('batch results', () => {
  const lines = [
    { custom_id: 'r3-c_ts', result: { type: 'expired' as const } },
    {
      custom_id: 'r1-a_ts',
      result: {
        type: 'succeeded' as const,
        message: {
          id: 'msg_1',
          type: 'message' as const,
          role: 'assistant' as const,
          model: 'claude-opus-5-5',
          content: [{ type: 'text' as const, text: 'Looks fine.', citations: null }],
          stop_reason: 'end_turn' as const,
          stop_sequence: null,
          usage: { input_tokens: 10, output_tokens: 3 },
        },
      },
    },
    { custom_id: 'r2-b_ts', result: { type: 'errored' as const, error: { type: 'error' as const, request_id: 'req_err', error: { type: 'api_error' as const, message: 'Internal server error' } } } },
  ];

  it('matches lines to requests by custom_id and keeps answers, errors and their request ids', () => {
    const entries = toResultEntries(RECORD, lines as never);
    assert.deepEqual(entries.map((e) => [e.label, e.type]), [['a.ts', 'succeeded'], ['b.ts', 'errored'], ['c.ts', 'expired']]);
    assert.equal(entries[0]!.text, 'Looks fine.');
    assert.equal(entries[1]!.requestId, 'req_err');
    const summary = summaryMarkdown(RECORD, entries);
    assert.match(summary, /Create call request id: `req_create`/);
    assert.match(summary, /## Errored \(1\)[\s\S]*b\.ts[\s\S]*api_error: Internal server error[\s\S]*`req_err`/);
    assert.match(summary, /## Expired \(1\)\n\n- c\.ts/);
    // Open Results shows the answers themselves, each under its file, not only token counts.
    assert.match(summary, /## Succeeded \(1\)[\s\S]*\| 10\/3 \|[\s\S]*### a\.ts\n\nLooks fine\./);
    assert.match(resultMarkdown(RECORD, entries[0]!), /^# a\.ts\n[\s\S]*Looks fine\./);
    assert.match(resultMarkdown(RECORD, entries[2]!), /before this request was processed/);
  });

  it('marks a request the results file lacks as errored rather than dropping it', () => {
    const entries = toResultEntries(RECORD, lines.slice(0, 2) as never);
    assert.equal(entries.find((e) => e.label === 'b.ts')?.errorType, 'missing_result');
  });
});
