// The simulator's Message Batches endpoints as the official SDK sees them: the
// shapes, the errors and the timing of the real API.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator, validateScenario, ScenarioError } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const MODEL = 'claude-sonnet-5-5';
const params = (content: string) => ({ model: MODEL, max_tokens: 32, messages: [{ role: 'user' as const, content }] });

async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await promise.then(() => assert.fail('expected a failure'), (e: unknown) => e);
  assert.ok(error instanceof Anthropic.APIError, String(error));
  return error;
}

describe('simulator: Message Batches on the wire', { timeout: 60_000 }, () => {
  let sim: RunningSimulator;
  let client: Anthropic;
  before(async () => {
    sim = await startSimulator({ scenario: { defaults: { latencyMs: 1, ttftMs: 1 }, batches: { processingMs: 250 } } });
    client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
  });
  after(() => sim.close());

  it('a batch is in progress with every request processing, then ends with counts, an absolute results_url and JSONL results', async () => {
    const created = await client.messages.batches.create({
      requests: ['one', 'two', 'three', 'four'].map((p, i) => ({ custom_id: `req-${i}`, params: params(p) })),
    });
    assert.equal(created.type, 'message_batch');
    assert.equal(created.processing_status, 'in_progress');
    assert.deepEqual(created.request_counts, { processing: 4, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
    assert.equal(created.results_url, null);
    assert.equal(Date.parse(created.expires_at) - Date.parse(created.created_at), 24 * 3600 * 1000);
    // The SDK itself refuses to ask before results_url is set; the endpoint answers 400 too.
    const early = await fetch(`${sim.url}/v1/messages/batches/${created.id}/results`, { headers: { 'x-api-key': 'sk-test' } });
    assert.equal(early.status, 400, 'results are not available before the batch ends');

    await new Promise((r) => setTimeout(r, 300));
    const done = await client.messages.batches.retrieve(created.id);
    assert.equal(done.processing_status, 'ended');
    assert.equal(done.request_counts.succeeded, 4);
    assert.ok(done.ended_at);
    assert.equal(done.results_url, `${sim.url}/v1/messages/batches/${created.id}/results`);
    const lines = [];
    for await (const line of await client.messages.batches.results(created.id)) lines.push(line);
    assert.deepEqual(lines.map((l) => l.custom_id).sort(), ['req-0', 'req-1', 'req-2', 'req-3']);
    assert.notDeepEqual(lines.map((l) => l.custom_id), ['req-0', 'req-1', 'req-2', 'req-3'], 'not in request order');
    const first = lines.find((l) => l.custom_id === 'req-0')!.result;
    assert.equal(first.type, 'succeeded');
    if (first.type === 'succeeded') assert.equal(first.message.model, MODEL);

    const page = await client.messages.batches.list({ limit: 5 });
    assert.equal(page.data[0]?.id, created.id, 'most recent first');
    const deleted = await client.messages.batches.delete(created.id);
    assert.equal(deleted.type, 'message_batch_deleted');
    assert.equal((await failure(client.messages.batches.retrieve(created.id))).status, 404);
  });

  it('refuses what the API refuses: duplicate or malformed custom_id, no requests; an unknown batch is 404', async () => {
    const dup = await failure(client.messages.batches.create({ requests: [{ custom_id: 'a', params: params('x') }, { custom_id: 'a', params: params('y') }] }));
    assert.equal(dup.status, 400);
    assert.match(dup.message, /custom_id/);
    assert.equal((await failure(client.messages.batches.create({ requests: [{ custom_id: 'has space', params: params('x') }] }))).status, 400);
    assert.equal((await failure(client.messages.batches.create({ requests: [] }))).status, 400);
    const unknown = await failure(client.messages.batches.retrieve('msgbatch_nope'));
    assert.equal(unknown.status, 404);
    assert.match(unknown.requestID ?? '', /^req_/);
  });

  it('a scenario can script the create answers and deny batch access', async () => {
    sim.setScenario({ batches: { createSequence: ['529', '429'] } });
    const overloaded = await failure(client.messages.batches.create({ requests: [{ custom_id: 'a', params: params('x') }] }));
    assert.equal(overloaded.status, 529);
    const limited = await failure(client.messages.batches.create({ requests: [{ custom_id: 'a', params: params('x') }] }));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers?.get('retry-after'), '1');
    const ok = await client.messages.batches.create({ requests: [{ custom_id: 'a', params: params('x') }] });
    assert.equal(ok.processing_status, 'in_progress');
    sim.setScenario({ batches: { access: false } });
    const denied = await failure(client.messages.batches.list());
    assert.equal(denied.status, 403);
    assert.ok(denied instanceof Anthropic.PermissionDeniedError);
  });

  it('validates the batches block of a scenario', () => {
    assert.deepEqual(validateScenario({ batches: { processingMs: 10, pErrored: 0.5, createSequence: ['529', 'ok'] } }).batches, {
      processingMs: 10,
      pErrored: 0.5,
      createSequence: ['529', 'ok'],
    });
    assert.throws(() => validateScenario({ batches: { pExpired: 2 } }), ScenarioError);
    assert.throws(() => validateScenario({ batches: { createSequence: ['503'] } }), /batches.createSequence\[0\]/);
    assert.throws(() => validateScenario({ batches: { procesingMs: 1 } }), /unknown field/);
  });
});
