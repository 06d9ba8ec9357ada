// Every failure the simulator can script reaches the official SDK as the same
// error class, status, type and request id the real API would produce.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { APIError } from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import type { Outcome, RunningSimulator } from '../../../src/simulator/index';

const MODEL = 'claude-opus-5-5';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => assert.fail('expected the request to fail'),
    (err: unknown) => err,
  );
}

describe('scripted failures surface through the official SDK', { timeout: 60_000 }, () => {
  let sim: RunningSimulator;
  let client: Anthropic;

  const script = (...sequence: Outcome[]): void => {
    sim.setScenario({ models: { [MODEL]: { sequence } } });
  };
  const create = (): Promise<unknown> =>
    client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });

  before(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
    client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
  });
  after(() => sim.close());

  const cases: Array<[Outcome, number, string, new (...args: never[]) => APIError]> = [
    ['529', 529, 'overloaded_error', Anthropic.InternalServerError],
    ['429', 429, 'rate_limit_error', Anthropic.RateLimitError],
    ['500', 500, 'api_error', Anthropic.InternalServerError],
    ['502', 502, 'api_error', Anthropic.InternalServerError],
    ['503', 503, 'overloaded_error', Anthropic.InternalServerError],
    ['504', 504, 'timeout_error', Anthropic.InternalServerError],
    ['401', 401, 'authentication_error', Anthropic.AuthenticationError],
    ['404', 404, 'not_found_error', Anthropic.NotFoundError],
    ['413', 413, 'request_too_large', Anthropic.APIError],
  ];
  for (const [outcome, status, type, errorClass] of cases) {
    it(`"${outcome}" → ${errorClass.name} with status ${status}, type ${type} and a request id`, async () => {
      script(outcome);
      const err = await failureOf(create());
      assert.ok(err instanceof errorClass, `got ${String(err)}`);
      assert.equal(err.status, status);
      assert.equal(err.type, type);
      assert.match(err.requestID ?? '', /^req_sim_/);
      assert.equal((err.error as { request_id?: string }).request_id, err.requestID);
    });
  }

  it('529 is the SDK\'s OverloadedError; 503 its ServiceUnavailableError; 504 its GatewayTimeoutError', async () => {
    const sdk = Anthropic as unknown as Record<string, new (...args: never[]) => Error>;
    for (const [outcome, name] of [['529', 'OverloadedError'], ['503', 'ServiceUnavailableError'], ['504', 'GatewayTimeoutError'], ['413', 'ContentTooLargeError']] as const) {
      script(outcome);
      const err = await failureOf(create());
      assert.ok(sdk[name] !== undefined, `SDK exports ${name}`);
      assert.ok(err instanceof sdk[name]!, `${outcome} → ${name}`);
    }
  });

  it('429 carries retry-after from the scenario', async () => {
    sim.setScenario({ models: { [MODEL]: { sequence: ['429'], retryAfterS: 7 } } });
    const err = await failureOf(create());
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.headers?.get('retry-after'), '7');
  });

  it('a spend limit is a 429 whose error_code the SDK recognises', async () => {
    script('spend');
    const err = await failureOf(create());
    assert.ok(err instanceof Anthropic.RateLimitError);
    assert.equal(err.errorCode, 'enforced_spend_limit_reached');
    assert.equal(err.constructor.name, 'EnforcedSpendLimitReachedError');
  });

  it('an HTML 502 from a proxy is the SDK\'s error for 502 with the page as message', async () => {
    script('html502');
    const err = await failureOf(create());
    assert.ok(err instanceof Anthropic.InternalServerError);
    assert.equal(err.status, 502);
    assert.equal(err.type, null);
    assert.match(err.message, /502 Bad Gateway/);
  });

  it('a mid-stream error after HTTP 200 surfaces as an APIError without status, after partial text', async () => {
    sim.setScenario({ models: { [MODEL]: { sequence: ['midstream'], midStreamAfterTokens: 3 } } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const err = await failureOf(stream.finalMessage());
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.status, undefined);
    assert.equal(err.type, 'overloaded_error');
    assert.equal(deltas.length, 3);
    assert.match(stream.request_id ?? '', /^req_sim_/);
  });

  it('the mid-stream error type is configurable', async () => {
    sim.setScenario({ models: { [MODEL]: { sequence: ['midstream'], midStreamErrorType: 'api_error', midStreamAfterTokens: 0 } } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] });
    const err = await failureOf(stream.finalMessage());
    assert.ok(err instanceof Anthropic.APIError);
    assert.equal(err.type, 'api_error');
  });

  it('a non-streaming request that draws a mid-stream failure gets the matching HTTP error', async () => {
    script('midstream');
    const err = await failureOf(create());
    assert.ok(err instanceof Anthropic.InternalServerError);
    assert.equal(err.status, 529);
  });

  it('a reset before headers is an APIConnectionError', async () => {
    script('reset');
    const err = await failureOf(create());
    assert.ok(err instanceof Anthropic.APIConnectionError, `got ${String(err)}`);
  });

  it('a stall sends headers then nothing: no text arrives before the client gives up', async () => {
    script('stall');
    const controller = new AbortController();
    const stream = client.messages.stream(
      { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] },
      { signal: controller.signal },
    );
    let events = 0;
    stream.on('streamEvent', () => events++);
    const timer = setTimeout(() => controller.abort(), 500);
    const err = await failureOf(stream.finalMessage());
    clearTimeout(timer);
    assert.ok(err instanceof Anthropic.APIUserAbortError, `got ${String(err)}`);
    assert.equal(events, 0);
    assert.equal(sim.stats().byModel[MODEL]?.outcomes['stall'], 1);
  });

  it('a stalled non-streaming request never completes while the client waits', async () => {
    script('stall');
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 500);
    const err = await failureOf(
      client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hello' }] }, { signal: controller.signal }),
    );
    clearTimeout(timer);
    // The SDK resolved on the headers; the abort lands while it reads the body,
    // where it surfaces as the platform's AbortError rather than APIUserAbortError.
    assert.ok(err instanceof Error && err.name === 'AbortError', `got ${String(err)}`);
  });

  it('after a scripted sequence runs out, requests succeed again; stats count every outcome', async () => {
    script('529', '529', 'ok');
    await failureOf(create());
    await failureOf(create());
    await create();
    await create();
    const stats = sim.stats();
    assert.equal(stats.total, 4);
    assert.deepEqual(stats.byModel[MODEL]?.outcomes, { '529': 2, ok: 2 });
    assert.deepEqual(stats.requests.map((r) => r.status), [529, 529, 200, 200]);
  });
});
