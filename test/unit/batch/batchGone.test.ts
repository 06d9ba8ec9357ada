// A batch whose server is gone (sent to an overload rehearsal whose simulator stopped, or to the
// rehearsal of a window since reloaded) never stays "running" for good: the reloaded window's
// lane marks it gone at once, with the reason, and it can only be removed; Cancel on it does not
// fail with the same text. Fake clock, in-memory store.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages/batches';
import { BatchApiError } from '../../../src/core/batch/batchErrors';
import { BatchLane } from '../../../src/core/batch/batchLane';
import type { BatchApi, BatchLaneEvent } from '../../../src/core/batch/batchLane';
import { MemoryBatchStore } from '../../../src/core/batch/memoryBatchStore';
import { isActive, needsUser, removable } from '../../../src/core/batch/batchTypes';
import type { BatchOperation, BatchRequestSpec } from '../../../src/core/batch/batchTypes';
import { batchActions } from '../../../src/webview/batchesView';
import { FakeClock } from '../../support/fakeClock';

const SCHEDULE = { initialMs: 1000, maxMs: 4000, factor: 2 };
const REHEARSAL = 'rehearsal:http://127.0.0.1:40001';
const REQUESTS: BatchRequestSpec[] = ['a.ts', 'b.ts'].map((label, i) => ({
  customId: `r${i}`,
  label,
  params: { model: 'claude-haiku-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
}));

function inProgress(): MessageBatch {
  return {
    id: 'msgbatch_sim_1',
    type: 'message_batch',
    processing_status: 'in_progress',
    request_counts: { processing: 2, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    created_at: '2026-11-29T00:00:00Z',
    expires_at: '2026-11-30T00:00:00Z',
    ended_at: null,
    archived_at: null,
    cancel_initiated_at: null,
    results_url: null,
  };
}

const goneError = (op: BatchOperation): BatchApiError =>
  new BatchApiError({ time: 0, op, kind: 'endpoint_gone', errorClass: null, status: null, requestId: null, message: 'The rehearsal stopped. Remove it from the list.' }, null);

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** A lane over `store` whose rehearsal endpoint answers while `alive` says so. */
function laneOver(store: MemoryBatchStore, clock: FakeClock, alive: () => boolean, calls: string[]): BatchLane {
  const api = {
    submit: async () => ({ data: inProgress(), requestId: 'req_create' }),
    retrieve: async () => {
      calls.push('retrieve');
      return { data: inProgress(), requestId: null };
    },
    cancel: async () => {
      calls.push('cancel');
      return { data: { ...inProgress(), processing_status: 'canceling' }, requestId: null };
    },
    results: async () => ({ data: [], requestId: null }),
  } as unknown as BatchApi;
  return new BatchLane({
    store,
    clock,
    schedule: SCHEDULE,
    endpoint: () => REHEARSAL,
    client: async (op, endpoint) => {
      if (endpoint === REHEARSAL && !alive()) throw goneError(op);
      return api;
    },
  });
}

describe('a batch whose server is gone', () => {
  it('is marked gone as soon as the reloaded window picks it up, says why, and stops counting as running', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryBatchStore();
    const calls: string[] = [];
    let alive = true;
    const first = laneOver(store, clock, () => alive, calls);
    const record = await first.submit({ title: 'Review (2 files)', model: 'claude-haiku-5-5', requests: REQUESTS });
    assert.equal(record.status, 'in_progress');
    first.dispose();
    alive = false; // the window reloads: its rehearsal simulator went with it
    const second = laneOver(store, clock, () => alive, calls);
    const events: BatchLaneEvent[] = [];
    second.onEvent((e) => events.push(e));
    await second.resume();
    const kept = second.get(record.localId)!;
    assert.equal(kept.status, 'gone');
    assert.equal(kept.problem?.kind, 'endpoint_gone');
    assert.match(kept.problem?.message ?? '', /Remove it from the list/);
    assert.equal(isActive(kept), false, 'not running');
    assert.equal(needsUser(kept), true);
    assert.equal(removable(kept), true);
    assert.deepEqual(events.filter((e) => e.type === 'gone').map((e) => e.record.localId), [record.localId], 'said once');
    // Nothing polls it any more.
    await (async () => {
      for (let t = 0; t < 20_000; t += 500) {
        clock.advance(500);
        await settle();
      }
    })();
    assert.deepEqual(calls, []);
    await second.remove(record.localId);
    assert.equal(second.get(record.localId), undefined, 'removed for real');
    second.dispose();
  });

  it('found gone by a check or a cancel in the same window, it is marked gone too, not left in progress', async () => {
    const clock = new FakeClock(0);
    const store = new MemoryBatchStore();
    const calls: string[] = [];
    let alive = true;
    const lane = laneOver(store, clock, () => alive, calls);
    const polled = await lane.submit({ title: 'polled', model: 'claude-haiku-5-5', requests: REQUESTS });
    const canceled = await lane.submit({ title: 'canceled', model: 'claude-haiku-5-5', requests: REQUESTS });
    alive = false; // the user stopped the rehearsal
    await assert.rejects(lane.cancel(canceled.localId), /rehearsal stopped/);
    assert.equal(lane.get(canceled.localId)?.status, 'gone');
    for (let t = 0; t < 3000; t += 250) {
      clock.advance(250);
      await settle();
    }
    assert.equal(lane.get(polled.localId)?.status, 'gone');
    assert.deepEqual(calls, [], 'no call reached a server');
    lane.dispose();
  });

  it('the Batches tab offers Remove From List for it, and for a batch whose checking stopped on a problem', () => {
    const base = {
      localId: 'batch_1',
      batchId: 'msgbatch_sim_1',
      title: 't',
      model: 'claude-haiku-5-5',
      createdAt: 0,
      counts: { processing: 2, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      total: 2,
      expiresAt: null,
      endedAt: null,
      costUsd: null,
      createRequestId: null,
      resultsStored: false,
    };
    assert.deepEqual(batchActions({ ...base, status: 'gone', problem: 'The rehearsal stopped. Remove it from the list.' }), ['remove']);
    assert.deepEqual(batchActions({ ...base, status: 'in_progress', problem: 'Checking the batch failed: the API key was refused.' }), ['refresh', 'cancel', 'remove']);
    assert.deepEqual(batchActions({ ...base, status: 'in_progress', problem: null }), ['refresh', 'cancel'], 'a healthy running batch is not offered for removal');
  });
});
