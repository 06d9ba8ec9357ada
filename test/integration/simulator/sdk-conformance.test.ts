// The official SDK talks to the simulator exactly as it talks to the API:
// messages, streams, models, token counting, request ids, authentication.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const KEY = 'sk-sim-conformance';
const QUESTION = 'How do circuit breakers help?';

describe('simulator speaks the Messages API to the official SDK', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  let client: Anthropic;

  before(async () => {
    sim = await startSimulator({ scenario: 'healthy', apiKey: KEY });
    client = new Anthropic({ apiKey: KEY, baseURL: sim.url, maxRetries: 0 });
  });
  after(() => sim.close());

  it('messages.create returns a complete message with the canonical answer and a request id', async () => {
    const message = await client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: QUESTION }],
    });
    assert.match(message.id, /^msg_/);
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, 'claude-opus-5-5');
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.stop_sequence, null);
    assert.equal(message.content.length, 1);
    const block = message.content[0]!;
    assert.equal(block.type, 'text');
    assert.equal(block.type === 'text' ? block.text : '', canonicalAnswer(QUESTION));
    assert.equal(message.usage.output_tokens, 12);
    assert.ok(message.usage.input_tokens > 0);
    assert.match(message._request_id ?? '', /^req_sim_/);
  });

  it('a max_tokens below the answer length stops with stop_reason max_tokens', async () => {
    const message = await client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 4,
      messages: [{ role: 'user', content: QUESTION }],
    });
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.output_tokens, 4);
  });

  it('messages.stream assembles the same text, emits text deltas, and exposes request_id', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-5-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: QUESTION }],
    });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const final = await stream.finalMessage();
    const text = await stream.finalText();
    assert.equal(text, canonicalAnswer(QUESTION));
    assert.equal(deltas.join(''), text);
    assert.equal(deltas.length, 12);
    assert.equal(final.model, 'claude-sonnet-5-5');
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 12);
    assert.match(stream.request_id ?? '', /^req_sim_/);
  });

  it('create with stream: true yields every SSE event type in order', async () => {
    const stream = await client.messages.create({
      model: 'claude-haiku-5-5',
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: QUESTION }],
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    assert.equal(types[0], 'message_start');
    assert.equal(types[1], 'content_block_start');
    assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
    assert.equal(types.filter((t) => t === 'content_block_delta').length, 12);
  });

  it('models.list parses, paginates with has_more/last_id, and includes the default chain', async () => {
    const first = await client.models.list({ limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    assert.equal(first.last_id, first.data[1]!.id);
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) ids.push(model.id);
    for (const id of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']) assert.ok(ids.includes(id), id);
    assert.equal(new Set(ids).size, ids.length, 'pages do not repeat models');
    const sonnet45 = await client.models.retrieve('claude-sonnet-4-5');
    assert.equal(sonnet45.lifecycle, 'deprecated');
    assert.equal(sonnet45.type, 'model');
    await assert.rejects(client.models.retrieve('claude-nonexistent-1'), Anthropic.NotFoundError);
  });

  it('messages.countTokens returns input_tokens', async () => {
    const count = await client.messages.countTokens({
      model: 'claude-opus-5-5',
      messages: [{ role: 'user', content: 'a'.repeat(400) }],
    });
    assert.equal(count.input_tokens, 100);
  });

  it('accepts the key as x-api-key and as Authorization: Bearer; refuses a wrong or missing key', async () => {
    const body = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    assert.equal((await post({ 'x-api-key': KEY })).status, 200);
    assert.equal((await post({ authorization: `Bearer ${KEY}` })).status, 200);
    const missing = await post({});
    assert.equal(missing.status, 401);
    assert.equal(((await missing.json()) as { error: { type: string } }).error.type, 'authentication_error');

    const wrong = new Anthropic({ apiKey: 'sk-wrong', baseURL: sim.url, maxRetries: 0 });
    const err = await wrong.messages
      .create({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.AuthenticationError);
    assert.equal(err.status, 401);
    assert.equal(err.type, 'authentication_error');
    assert.match(err.requestID ?? '', /^req_sim_/);
    assert.ok(!JSON.stringify(sim.stats()).includes('sk-wrong'), 'keys never reach stats');
  });

  it('successful responses carry anthropic-ratelimit headers', async () => {
    const { response } = await client.messages
      .create({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      for (const part of ['limit', 'remaining', 'reset']) {
        assert.ok(response.headers.get(`anthropic-ratelimit-${kind}-${part}`), `${kind}-${part}`);
      }
    }
  });
});
