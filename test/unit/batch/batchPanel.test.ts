// The Batches tab's pieces: the typed messages it may send (validated by the host),
// the rows' wording and actions, batch API failures merged into the failures table,
// and the report section.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { batchReportSection } from '../../../src/core/batch/batchReport';
import { BatchCallLog, MAX_BATCH_CALLS } from '../../../src/core/batch/batchCallLog';
import { EMPTY_COUNTS } from '../../../src/core/batch/batchTypes';
import type { BatchApiCall, BatchRecord } from '../../../src/core/batch/batchTypes';
import { createHistory } from '../../../src/core/history/createHistory';
import { createMemoryHistoryStorage } from '../../../src/core/history/memoryHistoryStorage';
import { buildPanelSnapshot } from '../../../src/extension/diagnostics/panelSnapshot';
import { batchActions, batchCounts, formatCost } from '../../../src/webview/batchesView';
import { PANEL_TABS, WINDOW_MS, parsePanelState, parseWebviewMessage } from '../../../src/webview/protocol';
import type { BatchRow, FailureRow } from '../../../src/webview/protocol';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

const row = (change: Partial<BatchRow> = {}): BatchRow => ({
  localId: 'batch_0123456789abcdef',
  batchId: 'msgbatch_1',
  title: 'Review 3 files',
  model: 'claude-opus-5-5',
  createdAt: NOW - 60_000,
  status: 'in_progress',
  counts: { ...EMPTY_COUNTS, processing: 3 },
  total: 3,
  expiresAt: new Date(NOW + 86_400_000).toISOString(),
  endedAt: null,
  costUsd: 0.0123,
  createRequestId: 'req_create',
  problem: null,
  resultsStored: false,
  ...change,
});

const call = (change: Partial<BatchApiCall>): BatchApiCall => ({
  time: NOW - 1000,
  op: 'create',
  batchId: null,
  attempt: 1,
  ok: false,
  status: 529,
  errorClass: 'overloaded',
  errorType: 'overloaded_error',
  requestId: 'req_529',
  latencyMs: 12,
  message: 'Submitting the batch failed: Claude is overloaded (529 overloaded_error): Overloaded',
  ...change,
});

describe('batches tab protocol', () => {
  it('accepts the batches tab and exactly-shaped batch actions, nothing else', () => {
    assert.ok(PANEL_TABS.includes('batches'));
    assert.equal(parsePanelState({ window: '1h', modelFilter: 'all', classFilter: 'all', tab: 'batches' })?.tab, 'batches');
    assert.deepEqual(parseWebviewMessage({ type: 'batchAction', action: 'cancel', localId: 'batch_0123' }), { type: 'batchAction', action: 'cancel', localId: 'batch_0123' });
    assert.equal(parseWebviewMessage({ type: 'batchAction', action: 'delete', localId: 'batch_0123' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'batchAction', action: 'cancel', localId: '../../etc' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'batchAction', action: 'cancel', localId: 'b', extra: 1 }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'copyId', kind: 'batchId', value: 'msgbatch_1', copyKey: 'b0b' }), {
      type: 'copyId',
      kind: 'batchId',
      value: 'msgbatch_1',
      copyKey: 'b0b',
    });
  });
});

describe('batches tab rows', () => {
  it('offers what a batch allows now and says how far it is', () => {
    assert.deepEqual(batchActions(row()), ['refresh', 'cancel']);
    assert.deepEqual(batchActions(row({ status: 'canceling' })), ['refresh']);
    assert.deepEqual(batchActions(row({ status: 'ended', resultsStored: true, counts: { ...EMPTY_COUNTS, succeeded: 2, errored: 1 } })), ['openResults', 'remove']);
    assert.deepEqual(batchActions(row({ status: 'not_submitted', batchId: null })), ['resubmit', 'remove']);
    assert.deepEqual(batchActions(row({ status: 'ended', resultsStored: false })), ['refresh', 'remove'], 'results not downloaded yet: check again');
    assert.equal(batchCounts(row()), '0/3 done');
    assert.equal(batchCounts(row({ counts: { ...EMPTY_COUNTS, succeeded: 2, errored: 1 } })), '3/3 done (2 succeeded, 1 errored)');
    assert.equal(formatCost(0.0123), '≤ $0.01');
    assert.equal(formatCost(0.0012), '≤ $0.0012');
    assert.equal(formatCost(null), 'unknown');
  });
});

describe('batch API failures in the panel and the report', () => {
  it('merges failed batch calls into the failures table, newest first, and carries the batches', async () => {
    const history = createHistory({ storage: createMemoryHistoryStorage(), clock: { now: () => NOW } });
    const batchFailure: FailureRow = {
      time: NOW - 500,
      model: 'Message Batches API',
      provider: 'anthropic',
      status: 529,
      errorClass: 'overloaded',
      errorType: 'overloaded_error',
      requestId: 'req_529',
      clientRequestId: 'create',
      client: 'VS Code',
      message: 'Submitting the batch failed',
    };
    const old = { ...batchFailure, time: NOW - 2 * WINDOW_MS['15m'], requestId: 'req_old' };
    const snapshot = buildPanelSnapshot({
      window: '15m',
      now: NOW,
      history: history.snapshot({ sinceMs: NOW - WINDOW_MS['15m'] }),
      breakers: [],
      status: undefined,
      primaryModel: null,
      batches: [row()],
      batchFailures: [batchFailure, old],
    });
    assert.deepEqual(snapshot.failures.map((f) => f.requestId), ['req_529'], 'only failures in the window');
    assert.equal(snapshot.failureCount, 1);
    assert.equal(snapshot.batches?.[0]?.batchId, 'msgbatch_1');
    await history.dispose();
  });

  it('lists failed calls with request ids and the batches with their create request ids', () => {
    const record: BatchRecord = {
      ...row(),
      localId: 'batch_1',
      estimate: { inputTokens: 1, maxOutputTokens: 1, costUsd: 0, bytes: 1 },
      requests: [],
      problem: null,
      resultsStored: false,
      notified: false,
    } as unknown as BatchRecord;
    const section = batchReportSection([call({}), call({ ok: true, status: 200, requestId: 'req_ok' }), call({ time: NOW - 3 * 3600_000, requestId: 'req_too_old' })], [record], 3600_000, NOW);
    assert.match(section, /## Message Batches API/);
    assert.match(section, /create #1 \|  \| 529 \| overloaded \| req_529/);
    assert.ok(!section.includes('req_ok') && !section.includes('req_too_old'));
    assert.match(section, /msgbatch_1 — in_progress, 3 requests .* create request id req_create/);
    assert.equal(batchReportSection([], [], 3600_000, NOW), '');
  });

  it('keeps a bounded log of calls', () => {
    const saved: number[] = [];
    const log = new BatchCallLog([], (calls) => saved.push(calls.length));
    for (let i = 0; i < MAX_BATCH_CALLS + 10; i++) log.add(call({ attempt: i + 1, ok: i % 2 === 0 }));
    assert.equal(log.all().length, MAX_BATCH_CALLS);
    assert.equal(log.all()[0]?.attempt, 11, 'the oldest go first');
    assert.equal(saved.at(-1), MAX_BATCH_CALLS);
    assert.ok(log.failures().every((c) => !c.ok));
  });
});
