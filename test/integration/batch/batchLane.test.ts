// The batch lane through the official SDK against the simulator's Batches
// endpoints: submit → poll → results with mixed outcomes, a 529 on create retried,
// a "reload" (a new lane and client over the same stored state) that picks a
// running batch up, cancel, and the three ways a key can fail — each keeping the
// local record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { BatchClient } from '../../../src/core/batch/batchClient';
import { BatchApiError, missingKeyProblem } from '../../../src/core/batch/batchErrors';
import { BatchLane } from '../../../src/core/batch/batchLane';
import type { BatchLaneEvent } from '../../../src/core/batch/batchLane';
import { customIdFor } from '../../../src/core/batch/batchLimits';
import { MemoryBatchStore } from '../../../src/core/batch/memoryBatchStore';
import type { BatchApiCall, BatchRecord, BatchRequestSpec } from '../../../src/core/batch/batchTypes';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../../src/simulator/index';

const KEY = 'sk-ant-batch-integration-2b7e9c41d0';
const MODEL = 'claude-haiku-5-5';
const RETIRED = 'claude-retired-0-1';
const FAST = { latencyMs: 1, ttftMs: 1, tokensPerSecond: 100_000, outputTokens: 12 };
const SCHEDULE = { initialMs: 40, maxMs: 200, factor: 1.5 };
const RETRY = { retries: 4, minTimeoutMs: 10, maxTimeoutMs: 50, maxRetryAfterMs: 50 };

function scenario(batches: Scenario['batches'], extra: Partial<Scenario> = {}): Scenario {
  return { name: 'batch-integration', seed: 3, defaults: FAST, models: { [RETIRED]: { unknown: true } }, batches, ...extra };
}

function requests(prompts: readonly string[], model = MODEL): BatchRequestSpec[] {
  return prompts.map((prompt, i) => ({
    customId: customIdFor(`file-${i + 1}.ts`, i),
    label: `file-${i + 1}.ts`,
    params: { model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] },
  }));
}

interface Rig {
  lane: BatchLane;
  store: MemoryBatchStore;
  calls: BatchApiCall[];
  events: BatchLaneEvent[];
}

/** `key` null: no key is set. */
function lane(sim: RunningSimulator, store = new MemoryBatchStore(), key: string | null = KEY): Rig {
  const calls: BatchApiCall[] = [];
  const events: BatchLaneEvent[] = [];
  const l = new BatchLane({
    store,
    schedule: SCHEDULE,
    client: async (op) => {
      if (key === null) throw new BatchApiError(missingKeyProblem(op), null);
      return BatchClient.create({ apiKey: key, baseURL: sim.url, retry: RETRY, onCall: (c) => calls.push(c) });
    },
  });
  l.onEvent((e) => events.push(e));
  return { lane: l, store, calls, events };
}

function ended(rig: Rig, localId: string, timeoutMs = 15_000): Promise<BatchRecord> {
  const done = rig.events.find((e) => e.type === 'ended' && e.record.localId === localId);
  if (done) return Promise.resolve(done.record);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`batch ${localId} did not end within ${timeoutMs} ms`)), timeoutMs);
    const stop = rig.lane.onEvent((e) => {
      if (e.type === 'ended' && e.record.localId === localId) {
        clearTimeout(timer);
        stop();
        resolve(e.record);
      }
    });
  });
}

describe('batch lane through the SDK against the simulator', { timeout: 120_000 }, () => {
  let sim: RunningSimulator;
  const rigs: Rig[] = [];

  before(async () => {
    sim = await startSimulator({ scenario: scenario({ processingMs: 300 }), apiKey: KEY });
  });
  after(async () => {
    for (const rig of rigs) rig.lane.dispose();
    await sim.close();
  });

  it('submits, polls until the batch ends and stores results with mixed outcomes matched by custom_id', async () => {
    sim.setScenario(scenario({ processingMs: 300, pErrored: 0.3, pExpired: 0.2 }));
    const rig = lane(sim);
    rigs.push(rig);
    const prompts = Array.from({ length: 12 }, (_, i) => `Review file ${i + 1}`);
    const specs = [...requests(prompts), ...requests(['Old model'], RETIRED).map((r) => ({ ...r, customId: 'r13-old', label: 'old.ts' }))];
    const submitted = await rig.lane.submit({ title: 'Review 13 files', model: MODEL, requests: specs });
    assert.equal(submitted.status, 'in_progress');
    assert.match(submitted.batchId ?? '', /^msgbatch_/);
    assert.match(submitted.createRequestId ?? '', /^req_/);
    assert.equal(submitted.total, 13);
    assert.equal(await rig.store.pending(submitted.localId), undefined, 'the request bodies are dropped once the API has them');

    const done = await ended(rig, submitted.localId);
    assert.equal(done.status, 'ended');
    assert.equal(done.counts.processing, 0);
    const c = done.counts;
    assert.equal(c.succeeded + c.errored + c.expired + c.canceled, 13);
    assert.ok(c.succeeded > 0 && c.errored > 0 && c.expired > 0, `mixed outcomes: ${JSON.stringify(c)}`);

    const results = (await rig.lane.results(submitted.localId))!;
    assert.deepEqual(results.map((r) => r.customId), specs.map((s) => s.customId), 'entries follow the requests, whatever the file order');
    const old = results.find((r) => r.customId === 'r13-old')!;
    assert.equal(old.type, 'errored');
    assert.equal(old.errorType, 'not_found_error');
    assert.match(old.requestId ?? '', /^req_/);

    // A succeeded result is what the Messages endpoint answers to the same request.
    const live = new Anthropic({ apiKey: KEY, baseURL: sim.url, maxRetries: 0 });
    const firstOk = results.find((r) => r.type === 'succeeded')!;
    const spec = specs.find((s) => s.customId === firstOk.customId)!;
    const message = await live.messages.create(spec.params);
    const liveText = message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
    assert.equal(firstOk.text, liveText);
    assert.ok(rig.calls.some((call) => call.op === 'retrieve' && call.ok), 'the batch was polled');
    assert.ok(rig.calls.some((call) => call.op === 'results' && call.ok), 'the results were downloaded');
  });

  it('retries a create answered 529 (twice) and records each try with its request id', async () => {
    sim.setScenario(scenario({ processingMs: 100, createSequence: ['529', '529', 'ok'] }));
    const rig = lane(sim);
    rigs.push(rig);
    const record = await rig.lane.submit({ title: 'After an overload', model: MODEL, requests: requests(['a', 'b']) });
    assert.equal(record.status, 'in_progress');
    const creates = rig.calls.filter((call) => call.op === 'create');
    assert.deepEqual(creates.map((call) => call.status), [529, 529, 200]);
    assert.deepEqual(creates.map((call) => call.errorClass), ['overloaded', 'overloaded', null]);
    assert.ok(creates.every((call) => /^req_/.test(call.requestId ?? '')), 'every try carries its request id');
    assert.equal(creates[2]!.requestId, record.createRequestId);
    await ended(rig, record.localId);
  });

  it('a create whose answer was lost (the batch made, a 500 returned) is not sent again: the made batch is taken, one batch in all', async () => {
    sim.setScenario(scenario({ processingMs: 100, createSequence: ['created_500', 'ok'] }));
    const rig = lane(sim);
    rigs.push(rig);
    const sdk = new Anthropic({ apiKey: KEY, baseURL: sim.url, maxRetries: 0 });
    const before = (await sdk.messages.batches.list({ limit: 100 })).data.map((b) => b.id);
    const record = await rig.lane.submit({ title: 'Answer lost', model: MODEL, requests: requests(['a', 'b', 'c']) });
    const after = (await sdk.messages.batches.list({ limit: 100 })).data.filter((b) => !before.includes(b.id));
    assert.equal(after.length, 1, 'exactly one batch exists for one submission');
    assert.equal(record.batchId, after[0]!.id);
    assert.deepEqual(rig.calls.filter((call) => call.op === 'create').map((call) => call.status), [500, 200]);
    await ended(rig, record.localId);
  });

  it('a plain 500 on create with an earlier batch of the same size known: that batch is not mistaken for this one', async () => {
    sim.setScenario(scenario({ processingMs: 100, createSequence: ['ok', '500', 'ok'] }));
    const rig = lane(sim);
    rigs.push(rig);
    const first = await rig.lane.submit({ title: 'First', model: MODEL, requests: requests(['a', 'b']) });
    const second = await rig.lane.submit({ title: 'Second', model: MODEL, requests: requests(['c', 'd']) });
    assert.ok(first.batchId && second.batchId);
    assert.notEqual(second.batchId, first.batchId);
    assert.deepEqual(rig.calls.filter((call) => call.op === 'create').map((call) => call.status), [200, 500, 200]);
    await ended(rig, first.localId);
    await ended(rig, second.localId);
  });

  it('each batch is polled where it was sent: one sent to a rehearsal simulator and one to the API both end, neither asked of the other', async () => {
    sim.setScenario(scenario({ processingMs: 300 }));
    const rehearsalSim = await startSimulator({ scenario: scenario({ processingMs: 300 }), apiKey: KEY });
    try {
      const calls: Array<{ endpoint: string; op: string }> = [];
      let current = 'live';
      const store = new MemoryBatchStore();
      const events: BatchLaneEvent[] = [];
      const l = new BatchLane({
        store,
        schedule: SCHEDULE,
        endpoint: () => current,
        client: async (op, endpoint) => {
          calls.push({ endpoint, op });
          const target = endpoint === 'live' ? sim : rehearsalSim;
          return BatchClient.create({ apiKey: KEY, baseURL: target.url, retry: RETRY });
        },
      });
      l.onEvent((e) => events.push(e));
      const rig: Rig = { lane: l, store, calls: [], events };
      rigs.push(rig);
      const live = await l.submit({ title: 'Live', model: MODEL, requests: requests(['a']) });
      current = `rehearsal:${rehearsalSim.url}`;
      const rehearsed = await l.submit({ title: 'Rehearsed', model: MODEL, requests: requests(['b', 'c']) });
      current = 'live'; // the rehearsal's state changes while both run
      assert.equal(live.endpoint, 'live');
      assert.equal(rehearsed.endpoint, `rehearsal:${rehearsalSim.url}`);
      const [liveDone, rehearsedDone] = await Promise.all([ended(rig, live.localId), ended(rig, rehearsed.localId)]);
      assert.equal(liveDone.counts.succeeded, 1);
      assert.equal(rehearsedDone.counts.succeeded, 2);
      assert.equal(liveDone.problem, null);
      assert.equal(rehearsedDone.problem, null);
      assert.ok(calls.filter((c) => c.op === 'retrieve').length >= 2, 'both were polled');
    } finally {
      await rehearsalSim.close();
    }
  });

  it('picks a running batch up again after a reload: a new lane and client over the same stored state', async () => {
    sim.setScenario(scenario({ processingMs: 700 }));
    const store = new MemoryBatchStore();
    const first = lane(sim, store);
    rigs.push(first);
    const record = await first.lane.submit({ title: 'Survives a reload', model: MODEL, requests: requests(['x', 'y', 'z']) });
    assert.equal(record.status, 'in_progress');
    first.lane.dispose(); // the window goes away mid-batch

    const second = lane(sim, store);
    rigs.push(second);
    await second.lane.resume();
    const done = await ended(second, record.localId);
    assert.equal(done.batchId, record.batchId);
    assert.equal(done.counts.succeeded, 3);
    assert.equal((await second.lane.results(record.localId))?.length, 3);
    assert.ok(first.calls.every((call) => call.op === 'create'), 'the first lane stopped polling when disposed');
  });

  it('cancels a running batch: it ends with its unprocessed requests canceled', async () => {
    sim.setScenario(scenario({ processingMs: 60_000 }));
    const rig = lane(sim);
    rigs.push(rig);
    const record = await rig.lane.submit({ title: 'Canceled', model: MODEL, requests: requests(['1', '2', '3', '4']) });
    const canceling = await rig.lane.cancel(record.localId);
    assert.equal(canceling.status, 'canceling');
    const done = await ended(rig, record.localId);
    assert.equal(done.status, 'ended');
    assert.equal(done.counts.canceled, 4);
    assert.deepEqual((await rig.lane.results(record.localId))!.map((r) => r.type), ['canceled', 'canceled', 'canceled', 'canceled']);
  });

  it('no key, a refused key and a key without batch access each keep the record with a clear problem; it can be sent later', async () => {
    sim.setScenario(scenario({ processingMs: 50 }));
    const store = new MemoryBatchStore();
    const specs = requests(['kept']);

    const noKey = lane(sim, store, null);
    rigs.push(noKey);
    const a = await noKey.lane.submit({ title: 'No key', model: MODEL, requests: specs });
    assert.equal(a.status, 'not_submitted');
    assert.equal(a.problem?.kind, 'missing_api_key');
    assert.match(a.problem?.message ?? '', /needs an Anthropic API key/);

    const wrong = lane(sim, store, 'sk-ant-wrong-key-000000');
    rigs.push(wrong);
    const b = await wrong.lane.submit({ title: 'Wrong key', model: MODEL, requests: specs });
    assert.equal(b.problem?.kind, 'invalid_api_key');
    assert.match(b.problem?.message ?? '', /API key was refused \(401 authentication_error\)/);
    assert.match(b.problem?.requestId ?? '', /^req_/);
    assert.ok(!JSON.stringify(store.list()).includes('sk-ant-wrong'), 'no key in the stored records');
    assert.equal(wrong.calls.filter((c) => c.op === 'create').length, 1, 'a refused key is not retried');

    sim.setScenario(scenario({ processingMs: 50, access: false }));
    const denied = lane(sim, store);
    rigs.push(denied);
    const c = await denied.lane.submit({ title: 'No access', model: MODEL, requests: specs });
    assert.equal(c.problem?.kind, 'no_batch_access');
    assert.match(c.problem?.message ?? '', /no access to the Message Batches API \(403 permission_error\)/);

    for (const record of [a, b, c]) {
      assert.equal(store.get(record.localId)?.status, 'not_submitted');
      assert.equal((await store.pending(record.localId))?.length, 1, 'the request bodies are kept for a later submission');
    }

    sim.setScenario(scenario({ processingMs: 50 }));
    const fixed = lane(sim, store);
    rigs.push(fixed);
    const sent = await fixed.lane.resubmit(a.localId);
    assert.equal(sent.status, 'in_progress');
    assert.equal(sent.problem, null);
    const done = await ended(fixed, a.localId);
    assert.equal(done.counts.succeeded, 1);
  });
});
