// The API's own refusal of a request (400 invalid_request_error, 404 for a model the client named,
// 413) comes back through the endpoint as the API sent it — its status, its error body, its
// request id — after one attempt: not retried, not answered by another model, not reworded. A
// request the manager's own checks would refuse unasked is put to the API once, as it was sent.
// The official SDK → `serve` → a recording proxy → the simulator. Needs `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { ApiBody, RecordedRig } from './endpointKit';
import { ASK, HAIKU, OPUS, TEST_KEY, recordedRig, scenario } from './endpointKit';

/** A model the API does not know, of a class the chain has (the old rule fell back onto the chain's Opus). */
const UNKNOWN = 'claude-opus-4-1';

describe('the API\'s refusal comes back as the API sent it, after one attempt', { timeout: 120_000 }, () => {
  let r: RecordedRig | undefined;
  let client: Anthropic;
  before(async () => {
    r = await recordedRig(scenario({ [UNKNOWN]: { unknown: true }, [HAIKU]: { sequence: ['413', '413', 'ok'] } } as Parameters<typeof scenario>[0]));
    client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
  });
  after(async () => {
    await r?.close();
  });

  /** Runs `ask`, which must fail; checks it against the one answer the upstream gave meanwhile. */
  async function refusedAsTheApiSaid(ask: () => Promise<unknown>, status: number, path = '/v1/messages'): Promise<ApiBody> {
    const before = r!.proxy.answers.length;
    const error = await ask().then(
      () => assert.fail('the request was answered'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Anthropic.APIError, String(error));
    const answers = r!.proxy.answers.slice(before);
    assert.deepEqual(answers.map((answer) => `${answer.path.split('?')[0]} ${answer.status}`), [`${path} ${status}`], 'one attempt upstream, refused');
    const sent = JSON.parse(answers[0]!.body) as ApiBody;
    assert.equal(error.status, status);
    assert.deepEqual(error.error, sent, 'the error body is the API\'s');
    assert.equal(error.requestID, sent.request_id, 'the request id is the API\'s');
    assert.equal(error.headers?.get('x-should-retry'), 'false');
    return sent;
  }

  test('400 invalid_request_error, streamed or not', async () => {
    const body = { model: OPUS, ...ASK, temperature: 5 };
    for (const ask of [() => client.messages.create(body), () => client.messages.stream(body).finalMessage()]) {
      const sent = await refusedAsTheApiSaid(ask, 400);
      assert.equal(sent.error.type, 'invalid_request_error');
      assert.match(sent.error.message, /temperature/);
    }
  });

  test('a request the manager would refuse unasked (malformed, max_tokens over every limit) is put to the API once, and its 400 comes back', async () => {
    const malformed: Record<string, unknown>[] = [
      { model: OPUS, messages: ASK.messages },
      { model: OPUS, max_tokens: 64, messages: [] },
      { model: OPUS, max_tokens: 64, messages: [{ role: 'system', content: 'hi' }] },
      { model: OPUS, ...ASK, max_tokens: 10_000_000 },
    ];
    for (const body of malformed) {
      // A timeout of its own: the SDK refuses a non-streamed max_tokens this large by itself otherwise.
      const sent = await refusedAsTheApiSaid(() => client.messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming, { timeout: 60_000 }), 400);
      assert.equal(sent.error.type, 'invalid_request_error');
    }
    await refusedAsTheApiSaid(() => client.messages.stream({ model: OPUS, ...ASK, max_tokens: 10_000_000 }).finalMessage(), 400);
  });

  test('where the manager\'s checks are stricter than the API, the API\'s answer comes back', async () => {
    const before = r!.proxy.answers.length;
    const body = { model: OPUS, max_tokens: 64, messages: [{ role: 'assistant', content: 'Earlier I said:' }, { role: 'user', content: 'Go on.' }] };
    const { data, response } = await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    const answers = r!.proxy.answers.slice(before);
    assert.deepEqual(answers.map((answer) => answer.status), [200]);
    assert.equal(data.id, (JSON.parse(answers[0]!.body) as { id: string }).id, 'the API\'s answer, as it sent it');
    assert.ok(response.headers.get('request-id'));
  });

  test('404 for a model the client named: the API\'s not_found_error, not an answer from another model', async () => {
    const body = { model: UNKNOWN, ...ASK };
    for (const ask of [() => client.messages.create(body), () => client.messages.stream(body).finalMessage(), () => client.messages.create(body)]) {
      const sent = await refusedAsTheApiSaid(ask, 404);
      assert.equal(sent.error.type, 'not_found_error');
    }
  });

  test('413 request_too_large', async () => {
    const sent = await refusedAsTheApiSaid(() => client.messages.create({ model: HAIKU, ...ASK }), 413);
    assert.equal(sent.error.type, 'request_too_large');
    await refusedAsTheApiSaid(() => client.messages.stream({ model: HAIKU, ...ASK }).finalMessage(), 413);
  });

  test('count_tokens: the API\'s 400 as it sent it', async () => {
    const sent = await refusedAsTheApiSaid(
      () => client.messages.countTokens({ model: OPUS, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_none', content: 'x' }] }] }),
      400,
      '/v1/messages/count_tokens',
    );
    assert.equal(sent.error.type, 'invalid_request_error');
  });
});
