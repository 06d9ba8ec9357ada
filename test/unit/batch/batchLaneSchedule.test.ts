// The lane's polling on a fake clock: a gentle first check, backing off to a ceiling; no
// checks while paused (the window long out of focus), one soon after; polling stops on a
// problem only the user can fix (a refused key) and "Check Now" starts it again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages/batches';
import { BatchApiError } from '../../../src/core/batch/batchErrors';
import { BatchLane } from '../../../src/core/batch/batchLane';
import type { BatchApi } from '../../../src/core/batch/batchLane';
import { MemoryBatchStore } from '../../../src/core/batch/memoryBatchStore';
import type { BatchRequestSpec } from '../../../src/core/batch/batchTypes';
import { FakeClock } from '../../support/fakeClock';

const SCHEDULE = { initialMs: 1000, maxMs: 4000, factor: 2 };
const REQUESTS: BatchRequestSpec[] = [{ customId: 'r1-a', label: 'a', params: { model: 'claude-haiku-5-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] } }];

function batch(status: MessageBatch['processing_status']): MessageBatch {
  const ended = status === 'ended';
  return {
    id: 'msgbatch_fake',
    type: 'message_batch',
    processing_status: status,
    request_counts: { processing: ended ? 0 : 1, succeeded: ended ? 1 : 0, errored: 0, canceled: 0, expired: 0 },
    created_at: '2026-11-29T00:00:00Z',
    expires_at: '2026-11-30T00:00:00Z',
    ended_at: ended ? '2026-11-29T01:00:00Z' : null,
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? 'http://x/results' : null,
  };
}

/** Lets every pending promise callback run (the lane awaits its store and client). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

class FakeApi {
  readonly retrieveTimes: number[] = [];
  endAfter = Infinity;
  refuse = false;
  constructor(private readonly clock: FakeClock) {}
  api(): BatchApi {
    return {
      submit: async () => ({ data: batch('in_progress'), requestId: 'req_create' }),
      retrieve: async () => {
        this.retrieveTimes.push(this.clock.now());
        if (this.refuse) {
          throw new BatchApiError({ time: 0, op: 'retrieve', kind: 'invalid_api_key', errorClass: 'auth', status: 401, requestId: 'req_401', message: 'refused' }, null);
        }
        return { data: batch(this.retrieveTimes.length >= this.endAfter ? 'ended' : 'in_progress'), requestId: null };
      },
      cancel: async () => ({ data: batch('canceling'), requestId: null }),
      results: async () => ({
        data: [{ custom_id: 'r1-a', result: { type: 'expired' as const } }],
        requestId: null,
      }),
    } as unknown as BatchApi;
  }
}

async function advance(clock: FakeClock, ms: number, step = 250): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    clock.advance(step);
    await settle();
  }
}

describe('batch lane polling schedule', () => {
  it('checks after the first wait, then backs off to the ceiling, and stops once the results are in', async () => {
    const clock = new FakeClock(0);
    const fake = new FakeApi(clock);
    fake.endAfter = 5;
    const lane = new BatchLane({ store: new MemoryBatchStore(), client: async () => fake.api(), clock, schedule: SCHEDULE });
    const record = await lane.submit({ title: 't', model: 'claude-haiku-5-5', requests: REQUESTS });
    await settle();
    await advance(clock, 30_000);
    assert.deepEqual(fake.retrieveTimes, [1000, 3000, 7000, 11_000, 15_000]);
    const done = lane.get(record.localId)!;
    assert.equal(done.status, 'ended');
    assert.equal(done.resultsStored, true);
    assert.equal((await lane.results(record.localId))?.[0]?.type, 'expired');
    lane.dispose();
  });

  it('does not poll while paused, and checks within the first wait once unpaused', async () => {
    const clock = new FakeClock(0);
    const fake = new FakeApi(clock);
    let paused = true;
    const lane = new BatchLane({ store: new MemoryBatchStore(), client: async () => fake.api(), clock, schedule: SCHEDULE, paused: () => paused });
    await lane.submit({ title: 't', model: 'claude-haiku-5-5', requests: REQUESTS });
    await advance(clock, 60_000);
    assert.deepEqual(fake.retrieveTimes, [], 'no check while paused');
    paused = false;
    await advance(clock, 1000);
    assert.equal(fake.retrieveTimes.length, 1);
    assert.ok(fake.retrieveTimes[0]! <= 61_000);
    lane.dispose();
  });

  it('stops polling on a refused key, keeps the batch with the problem, and Check Now resumes', async () => {
    const clock = new FakeClock(0);
    const fake = new FakeApi(clock);
    const lane = new BatchLane({ store: new MemoryBatchStore(), client: async () => fake.api(), clock, schedule: SCHEDULE });
    const record = await lane.submit({ title: 't', model: 'claude-haiku-5-5', requests: REQUESTS });
    fake.refuse = true;
    await advance(clock, 30_000);
    assert.equal(fake.retrieveTimes.length, 1, 'one refused check, then no more');
    const kept = lane.get(record.localId)!;
    assert.equal(kept.status, 'in_progress');
    assert.equal(kept.problem?.kind, 'invalid_api_key');
    assert.equal(kept.problem?.requestId, 'req_401');
    fake.refuse = false;
    fake.endAfter = 2;
    const after = await lane.refresh(record.localId);
    await settle();
    assert.equal(after.status, 'ended');
    assert.equal(after.problem, null);
    lane.dispose();
  });

  it('after a reload, downloads the results of a batch that ended while no window watched', async () => {
    const clock = new FakeClock(0);
    const fake = new FakeApi(clock);
    const store = new MemoryBatchStore();
    const first = new BatchLane({ store, client: async () => fake.api(), clock, schedule: SCHEDULE });
    const record = await first.submit({ title: 't', model: 'claude-haiku-5-5', requests: REQUESTS });
    first.dispose();
    // The API answered "ended" to a check, then the window closed before the results came down.
    await store.put({ ...store.get(record.localId)!, status: 'ended', counts: { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 1 } });
    const second = new BatchLane({ store, client: async () => fake.api(), clock, schedule: SCHEDULE });
    await second.resume();
    await advance(clock, 2000);
    assert.equal(second.get(record.localId)?.resultsStored, true);
    assert.deepEqual(fake.retrieveTimes, [], 'an ended batch is not retrieved again, only its results');
    second.dispose();
  });
});
