// The official TypeScript SDK (a client nobody here wrote), with its default retries, pointed at
// `serve` in front of the simulator: what an SDK script meets when it sets ANTHROPIC_BASE_URL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { Rig } from './endpointKit';
import { ASK, HAIKU, OPUS, REPO, SONNET, TEST_KEY, rig, scenario } from './endpointKit';

function textOf(message: Anthropic.Message): string {
  return message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

describe('the official SDK through the endpoint, healthy', () => {
  let r: Rig;
  let client: Anthropic;
  before(async () => {
    r = await rig(scenario({}));
    client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
  });
  after(async () => r.close());

  test('a plain request is answered, with the upstream request id and who answered in the headers', async () => {
    const { data, response } = await client.messages.create({ model: OPUS, ...ASK }).withResponse();
    assert.equal(data.model, OPUS);
    assert.ok(textOf(data).length > 0);
    assert.equal(data.stop_reason, 'end_turn');
    const ids = r.sim.stats().requests.map((request) => request.requestId);
    assert.ok(ids.includes(response.headers.get('request-id') ?? ''), 'the request id is the one the upstream gave');
    assert.equal(response.headers.get('x-resilient-claude-model'), OPUS);
    assert.equal(response.headers.get('x-resilient-claude-attempts'), '1');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });

  test('a stream arrives as server-sent events the SDK assembles into the same answer', async () => {
    const plain = await client.messages.create({ model: SONNET, ...ASK });
    const stream = client.messages.stream({ model: SONNET, ...ASK });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const message = await stream.finalMessage();
    assert.ok(deltas.length > 1, 'the text came in several deltas');
    assert.equal(textOf(message), textOf(plain));
    assert.equal(deltas.join(''), textOf(message));
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.output_tokens > 0);
    // The head names the upstream request that answered, as the API's own stream does.
    const { response } = await stream.withResponse();
    const answered = r.sim.stats().requests.filter((request) => request.stream && request.status === 200).map((request) => request.requestId);
    assert.equal(response.headers.get('request-id'), answered.at(-1));
    assert.equal(response.headers.get('x-resilient-claude-model'), SONNET);
  });

  test('tools: the tool call arrives whole, streamed or not, and the tool result is answered', async () => {
    const tools: Anthropic.Tool[] = [
      { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ];
    const question: Anthropic.MessageParam = { role: 'user', content: 'Weather? [[tool:get_weather {"city":"Paris"}]]' };
    const plain = await client.messages.create({ model: OPUS, max_tokens: 256, tools, messages: [question] });
    assert.equal(plain.stop_reason, 'tool_use');
    const call = plain.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    assert.ok(call);
    assert.deepEqual(call.input, { city: 'Paris' });
    const streamed = await client.messages.stream({ model: OPUS, max_tokens: 256, tools, messages: [question] }).finalMessage();
    const streamedCall = streamed.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    assert.deepEqual(streamedCall?.input, { city: 'Paris' });
    assert.equal(streamed.stop_reason, 'tool_use');
    const answer = await client.messages.create({
      model: OPUS,
      max_tokens: 256,
      tools,
      messages: [question, { role: 'assistant', content: plain.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny' }] }],
    });
    assert.match(textOf(answer), /get_weather tool returned "Sunny"/);
  });

  test('count_tokens and models are relayed with the client\'s own key, query string included', async () => {
    const count = await client.messages.countTokens({ model: OPUS, messages: ASK.messages });
    assert.ok(count.input_tokens > 0);
    const page = await client.models.list({ limit: 2 });
    assert.equal(page.data.length, 2);
    // The upstream checks the key: a stranger's is refused there, and its 401 comes back as it is.
    const stranger = new Anthropic({ baseURL: r.served.url, apiKey: 'sk-ant-not-the-right-key-000000000', maxRetries: 0 });
    await assert.rejects(stranger.messages.countTokens({ model: OPUS, messages: ASK.messages }), Anthropic.AuthenticationError);
  });

  test('a client key the upstream refuses: its 401 comes back once, not retried', async () => {
    const before = r.sim.stats().total;
    const stranger = new Anthropic({ baseURL: r.served.url, apiKey: 'sk-ant-not-the-right-key-000000000' });
    await assert.rejects(stranger.messages.create({ model: HAIKU, ...ASK }), (error: unknown) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      return true;
    });
    assert.equal(r.sim.stats().total - before, 1, 'one attempt upstream');
    assert.ok(!r.served.stderr().includes('sk-ant-not-the-right-key'), 'the key is not in the endpoint\'s log');
  });

  test('a bearer token (as a subscription login sends it) is forwarded as a bearer token', async () => {
    const before = r.sim.stats().total;
    const bearer = new Anthropic({ baseURL: r.served.url, apiKey: null, authToken: TEST_KEY });
    const message = await bearer.messages.create({ model: HAIKU, ...ASK });
    assert.ok(textOf(message).length > 0);
    assert.equal(r.sim.stats().total - before, 1);
    assert.ok(r.sim.stats().requests.at(-1)?.apiKeyOk);
  });

  test('the endpoint token is served with the stored key, and the key never shows', async () => {
    const holder = new Anthropic({ baseURL: r.served.url, apiKey: r.served.token() });
    const refused = await holder.messages.create({ model: HAIKU, ...ASK }).catch((error: unknown) => error);
    // This serve was started without ANTHROPIC_API_KEY: there is no stored key to lend.
    assert.ok(refused instanceof Anthropic.AuthenticationError);
    assert.match(refused.message, /no stored credential/);
  });
});

describe('the endpoint token with a stored key', () => {
  test('a client holding only the token is answered with the key of serve\'s environment', async () => {
    const r = await rig(scenario({}), { key: TEST_KEY });
    try {
      const token = r.served.token();
      const holder = new Anthropic({ baseURL: r.served.url, apiKey: token });
      const message = await holder.messages.create({ model: OPUS, ...ASK });
      assert.ok(textOf(message).length > 0);
      assert.ok(r.sim.stats().requests.every((request) => request.apiKeyOk));
      const log = r.served.stderr() + r.served.stdout();
      assert.ok(!log.includes(TEST_KEY) && !log.includes(token), 'neither the key nor the token is printed');
    } finally {
      await r.close();
    }
  });
});

describe('the official SDK through the endpoint, failures', () => {
  test('a 529 then success: one client request, answered on the same model', async () => {
    const r = await rig(scenario({ [OPUS]: { sequence: ['529', 'ok'] } }));
    try {
      const client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
      const { data, response } = await client.messages.create({ model: OPUS, ...ASK }).withResponse();
      assert.equal(data.model, OPUS);
      assert.equal(response.headers.get('x-resilient-claude-attempts'), '2');
      assert.equal(r.sim.stats().byModel[OPUS]?.outcomes['529'], 1);
      assert.equal((await r.served.messageLines(1)).length, 1, 'the SDK sent one request: the endpoint did the retry');
    } finally {
      await r.close();
    }
  });

  test('the primary down: answered by the fallback, streamed, and the headers say which model', async () => {
    const r = await rig(scenario({ [OPUS]: { p529: 1 } }));
    try {
      const client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
      const started = Date.now();
      const stream = client.messages.stream({ model: OPUS, ...ASK });
      const message = await stream.finalMessage();
      const { response } = await stream.withResponse();
      assert.equal(message.model, SONNET);
      assert.ok(textOf(message).length > 0);
      assert.equal(response.headers.get('x-resilient-claude-model'), SONNET);
      assert.ok(Number(response.headers.get('x-resilient-claude-attempts')) >= 2);
      // The request id is the fallback's, the one that answered, not a 529's.
      const answered = r.sim.stats().requests.filter((request) => request.model === SONNET && request.status === 200);
      assert.equal(answered.length, 1);
      assert.equal(response.headers.get('request-id'), answered[0]?.requestId);
      assert.ok(Date.now() - started < 15_000);
      assert.equal((await r.served.messageLines(1)).length, 1);
    } finally {
      await r.close();
    }
  });

  test('every model down: one client attempt, a clear error, x-should-retry false, no more upstream attempts than the manager makes', async () => {
    const r = await rig(scenario({}, { p529: 1 }));
    try {
      // The SDK's defaults: maxRetries 2, which would triple the attempts were it to retry.
      const client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
      const error = await client.messages.create({ model: OPUS, ...ASK }).catch((e: unknown) => e);
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.equal(error.status, 529);
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.match(error.message, /overloaded|unavailable/i);
      assert.ok(error.requestID?.startsWith('req_'), 'the last upstream request id is given');
      assert.equal((await r.served.messageLines(1)).length, 1, 'the SDK did not retry');
      const upstream = r.sim.stats().total;
      assert.ok(upstream >= 1 && upstream <= 6, `the upstream saw ${upstream} attempts (the manager's bound is 6)`);
      // Streaming, the same: an error before the first event is an HTTP error.
      const streamError = await client.messages.stream({ model: OPUS, ...ASK }).finalMessage().catch((e: unknown) => e);
      assert.ok(streamError instanceof Anthropic.APIError);
      assert.equal((await r.served.messageLines(2)).length, 2);
    } finally {
      await r.close();
    }
  });

  test('every model overloaded the way a stream is (200, message_start, then an overloaded_error event): still the status and x-should-retry false', async () => {
    // The endpoint's head waits for the first content: sent at the upstream's 200, a give-up would
    // have to be an SSE error event, which Claude Code reads as a 529 and retries, our whole chain each time.
    const recording = join(REPO, 'test', 'fixtures', 'streams', 'stop-sequence.jsonl');
    const r = await rig(scenario({}, { recordedStreams: [recording], pMidStreamError: 1, recordedCutAfterEvents: 1, midStreamErrorType: 'overloaded_error' }));
    try {
      const client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY });
      const error = await client.messages.stream({ model: OPUS, ...ASK }).finalMessage().catch((e: unknown) => e);
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.equal(error.status, 529);
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.equal((await r.served.messageLines(1)).length, 1, 'the SDK did not retry');
      const upstream = r.sim.stats().total;
      assert.ok(upstream >= 2 && upstream <= 6, `the upstream saw ${upstream} attempts (the manager's bound is 6)`);
    } finally {
      await r.close();
    }
  });
});
