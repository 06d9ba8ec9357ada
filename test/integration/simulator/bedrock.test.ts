// Amazon Bedrock paths (/model/{id}/invoke and /invoke-with-response-stream):
// the official Bedrock SDK, signing with dummy AWS credentials, cannot tell the
// simulator from Bedrock — answers, AWS event-stream framing, Bedrock errors
// mapped to the SDK's classes, and x-amzn-requestid on every response.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { APIError, BadRequestError, InternalServerError, NotFoundError, PermissionDeniedError, RateLimitError, ServiceUnavailableError } from '@anthropic-ai/sdk';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../../src/simulator/index';
import { decodeEventStream } from '../../../src/simulator/aws-event-stream';

const QUESTION = 'What does Bedrock answer?';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd';

function bedrockClient(sim: RunningSimulator, accessKey = 'AKIDEXAMPLE'): AnthropicBedrock {
  return new AnthropicBedrock({
    awsAccessKey: accessKey,
    awsSecretKey: 'dummy-secret-for-signing',
    awsRegion: 'us-east-1',
    baseURL: sim.url,
    maxRetries: 0,
  });
}

function ask(client: AnthropicBedrock, model: string): Promise<Anthropic.Message> {
  return client.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] });
}

async function failureOf(promise: Promise<unknown>): Promise<APIError> {
  return promise.then(
    () => assert.fail('expected the request to fail'),
    (err: unknown) => {
      assert.ok(err instanceof APIError, `expected an APIError, got ${String(err)}`);
      return err;
    },
  );
}

function rawInvoke(sim: RunningSimulator, model: string, body: Record<string, unknown>, headers: Record<string, string> = { authorization: SIGNED }, stream = false): Promise<Response> {
  return fetch(`${sim.url}/model/${encodeURIComponent(model)}/${stream ? 'invoke-with-response-stream' : 'invoke'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const VALID_BODY = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] };

describe('Bedrock endpoints with the official Bedrock SDK', { timeout: 60_000 }, () => {
  let sim: RunningSimulator;
  let client: AnthropicBedrock;

  before(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
    client = bedrockClient(sim);
  });
  after(() => sim.close());

  it('create answers on /invoke; the model is the Anthropic id; stats record the path and the Bedrock request id', async () => {
    sim.reset();
    const { data, response } = await client.messages
      .create({ model: 'global.anthropic.claude-opus-5-5-v1:0', max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] })
      .withResponse();
    assert.equal(data.model, 'claude-opus-5-5');
    assert.equal(data.content[0]?.type === 'text' ? data.content[0].text : '', canonicalAnswer(QUESTION));
    assert.equal(data.stop_reason, 'end_turn');
    const requestId = response.headers.get('x-amzn-requestid') ?? '';
    assert.match(requestId, UUID);
    assert.equal(response.headers.get('x-amzn-bedrock-input-token-count') !== null, true);
    const stats = sim.stats();
    assert.equal(stats.total, 1);
    assert.deepEqual(stats.byModel['claude-opus-5-5']?.outcomes, { ok: 1 });
    const record = stats.requests[0]!;
    assert.equal(record.path, '/model/global.anthropic.claude-opus-5-5-v1:0/invoke');
    assert.equal(record.requestId, requestId);
    assert.equal(record.stream, false);
    assert.equal(record.status, 200);
  });

  it('stream delivers the answer through the AWS event-stream framing', async () => {
    sim.reset();
    const stream = client.messages.stream({ model: 'us.anthropic.claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    assert.equal(deltas.join(''), canonicalAnswer(QUESTION));
    assert.ok(deltas.length > 1, 'text arrives in several deltas');
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.model, 'claude-sonnet-5-5');
    const record = sim.stats().requests[0]!;
    assert.equal(record.path, '/model/us.anthropic.claude-sonnet-5-5/invoke-with-response-stream');
    assert.equal(record.stream, true);
    assert.equal(record.model, 'claude-sonnet-5-5');
  });

  it('the stream is binary event-stream: chunk events whose base64 bytes carry each Anthropic event, checksums valid', async () => {
    const response = await rawInvoke(sim, 'anthropic.claude-haiku-5-5', VALID_BODY, { authorization: SIGNED }, true);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    assert.match(response.headers.get('x-amzn-requestid') ?? '', UUID);
    const messages = decodeEventStream(new Uint8Array(await response.arrayBuffer()));
    const events = messages.map((message) => {
      assert.equal(message.headers[':event-type'], 'chunk');
      assert.equal(message.headers[':message-type'], 'event');
      const payload = JSON.parse(message.payload.toString('utf8')) as { bytes: string };
      return JSON.parse(Buffer.from(payload.bytes, 'base64').toString('utf8')) as { type: string; delta?: { text?: string } };
    });
    assert.equal(events[0]?.type, 'message_start');
    assert.equal(events.at(-1)?.type, 'message_stop');
    const text = events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta?.text ?? '').join('');
    assert.equal(text, canonicalAnswer(QUESTION));
  });

  it('scripted failures reach the SDK as its error classes, with Bedrock exception names and request ids', async () => {
    sim.setScenario({ models: { 'claude-opus-5-5': { sequence: ['529', '429', '500', '503', '504', '502', 'spend', '404', '413', '401'] } } });
    const expected: Array<[number, string, new (...args: never[]) => APIError]> = [
      [503, 'ServiceUnavailableException', ServiceUnavailableError],
      [429, 'ThrottlingException', RateLimitError],
      [500, 'InternalServerException', InternalServerError],
      [503, 'ServiceUnavailableException', ServiceUnavailableError],
      [408, 'ModelTimeoutException', APIError],
      [500, 'InternalServerException', InternalServerError],
      [429, 'ThrottlingException', RateLimitError],
      [404, 'ResourceNotFoundException', NotFoundError],
      [400, 'ValidationException', BadRequestError],
      [403, 'UnrecognizedClientException', PermissionDeniedError],
    ];
    for (const [status, exception, errorClass] of expected) {
      const error = await failureOf(ask(client, 'anthropic.claude-opus-5-5'));
      assert.ok(error instanceof errorClass, `${status}: ${error.constructor.name}`);
      assert.equal(error.status, status);
      assert.equal(error.headers?.get('x-amzn-errortype')?.split(':')[0], exception);
      assert.ok((error.error as { message?: string }).message, 'Bedrock error bodies carry a message');
      assert.match(error.headers?.get('x-amzn-requestid') ?? '', UUID);
    }
    const stats = sim.stats();
    assert.deepEqual(stats.byModel['claude-opus-5-5']?.outcomes, { '529': 1, '429': 1, '500': 1, '503': 1, '504': 1, '502': 1, spend: 1, '404': 1, '413': 1, '401': 1 });
    assert.deepEqual(stats.requests.map((r) => r.status), [503, 429, 500, 503, 408, 500, 429, 404, 400, 403]);
  });

  it('a request-rate limit answers ThrottlingException without retry-after', async () => {
    sim.setScenario({ models: { 'claude-haiku-5-5': { rateLimit: { requestsPerMinute: 1 } } } });
    await ask(client, 'anthropic.claude-haiku-5-5');
    const error = await failureOf(ask(client, 'anthropic.claude-haiku-5-5'));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.headers?.get('retry-after'), null);
    assert.match(error.message, /Too many requests/);
  });

  it('a mid-stream overload arrives as the model’s error event; a throttled stream as a Bedrock exception frame', async () => {
    sim.setScenario({
      models: {
        'claude-opus-5-5': { sequence: ['midstream'], midStreamAfterTokens: 2 },
        'claude-haiku-5-5': { sequence: ['midstream'], midStreamAfterTokens: 2, midStreamErrorType: 'rate_limit_error' },
      },
    });
    for (const [model, type] of [
      ['global.anthropic.claude-opus-5-5', 'overloaded_error'],
      ['global.anthropic.claude-haiku-5-5', 'throttlingException'],
    ] as const) {
      const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] });
      const deltas: string[] = [];
      stream.on('text', (text) => deltas.push(text));
      const error = await failureOf(stream.finalMessage());
      assert.equal(error.status, undefined);
      assert.equal(error.type, type);
      assert.equal(deltas.join(''), canonicalAnswer(QUESTION, 2), 'the text before the failure arrived');
    }
  });

  it('the scenario can single Bedrock out: the most specific model key wins', async () => {
    const scenario: Scenario = { models: { 'claude-opus-5-5': { p529: 1 }, 'anthropic.claude-opus-5-5': { p529: 0 } } };
    sim.setScenario(scenario);
    const direct = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
    const overloaded = await failureOf(direct.messages.create({ model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] }));
    assert.equal(overloaded.status, 529);
    const answer = await ask(client, 'global.anthropic.claude-opus-5-5-v1:0');
    assert.equal(answer.model, 'claude-opus-5-5');
    const arn = await ask(client, 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-5-5');
    assert.equal(arn.model, 'claude-opus-5-5');
    const stats = sim.stats();
    assert.deepEqual(stats.byModel['claude-opus-5-5']?.outcomes, { '529': 1 });
    assert.deepEqual(stats.byModel['anthropic.claude-opus-5-5']?.outcomes, { ok: 2 });
    assert.equal(stats.requests[2]?.path, '/model/arn:aws:bedrock:us-east-1:123456789012:inference-profile%2Fus.anthropic.claude-opus-5-5/invoke');
  });

  it('unsigned requests get 403 MissingAuthenticationTokenException; the SDK without auth gets PermissionDeniedError', async () => {
    sim.reset();
    const response = await rawInvoke(sim, 'anthropic.claude-opus-5-5', VALID_BODY, {});
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('x-amzn-errortype')?.split(':')[0], 'MissingAuthenticationTokenException');
    assert.deepEqual(await response.json(), { message: 'Missing Authentication Token' });

    const unsigned = new AnthropicBedrock({ skipAuth: true, apiKey: null, awsRegion: 'us-east-1', baseURL: sim.url, maxRetries: 0 });
    const error = await failureOf(ask(unsigned, 'anthropic.claude-opus-5-5'));
    assert.ok(error instanceof PermissionDeniedError);
    const stats = sim.stats();
    assert.equal(stats.total, 2);
    assert.ok(stats.requests.every((r) => r.status === 403 && r.outcome === '401' && !r.apiKeyOk));
  });

  it('Bedrock body rules: no model or stream in the body, anthropic_version required, Anthropic ids without anthropic. are invalid', async () => {
    sim.reset();
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['anthropic.claude-opus-5-5', { ...VALID_BODY, model: 'claude-opus-5-5' }, /extraneous key \[model\]/],
      ['anthropic.claude-opus-5-5', { ...VALID_BODY, stream: true }, /extraneous key \[stream\]/],
      ['anthropic.claude-opus-5-5', { max_tokens: 64, messages: VALID_BODY.messages }, /required key \[anthropic_version\]/],
      ['anthropic.claude-opus-5-5', { ...VALID_BODY, anthropic_version: 'vertex-2023-10-16' }, /anthropic_version/],
      ['anthropic.claude-opus-5-5', { anthropic_version: 'bedrock-2023-05-31', messages: VALID_BODY.messages }, /max_tokens/],
      ['claude-opus-5-5', VALID_BODY, /model identifier is invalid/],
    ];
    for (const [model, body, message] of cases) {
      const response = await rawInvoke(sim, model, body);
      assert.equal(response.status, 400, `${model} ${JSON.stringify(body)}`);
      assert.equal(response.headers.get('x-amzn-errortype')?.split(':')[0], 'ValidationException');
      assert.match(((await response.json()) as { message: string }).message, message);
    }
    assert.deepEqual(sim.stats().requests.map((r) => r.outcome), ['400', '400', '400', '400', '400', '400']);
  });
});

describe('Bedrock endpoints with a simulator key', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;
  before(async () => {
    sim = await startSimulator({ scenario: 'healthy', apiKey: 'AKIDSIMULATOR' });
  });
  after(() => sim.close());

  it('the signing access key id must be the simulator key; others get UnrecognizedClientException', async () => {
    const answer = await ask(bedrockClient(sim, 'AKIDSIMULATOR'), 'anthropic.claude-haiku-5-5');
    assert.equal(answer.model, 'claude-haiku-5-5');
    const error = await failureOf(ask(bedrockClient(sim, 'AKIDOTHER'), 'anthropic.claude-haiku-5-5'));
    assert.ok(error instanceof PermissionDeniedError);
    assert.equal(error.headers?.get('x-amzn-errortype')?.split(':')[0], 'UnrecognizedClientException');
    assert.deepEqual(sim.stats().requests.map((r) => r.apiKeyOk), [true, false]);
  });
});
