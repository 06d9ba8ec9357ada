// Rate limits are per key: `serve` in front of the simulator, where only key A is rate-limited
// (one request a minute, counted per key as the API counts per organization), and official SDK
// clients with their own keys. A's limit was spent elsewhere (a direct call), so A's first request
// through the endpoint meets the API's 429: A is held and answered by the fallback; B, on the same
// endpoint and the same models, is answered by the requested model with no hold and no wait; A's
// next request, from another client, shares A's hold and never reaches the limited model.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { createRequestManager } from '../../../src/core/requestManager';
import { createSharedRoutes } from '../../../src/core/sharedRoutes';
import type { ManagerEvent } from '../../../src/core/types';
import type { RunningSimulator } from '../../../src/simulator/index';
import { startSimulator } from '../../../src/simulator/index';
import { testConfig } from '../core/harness';
import type { Served } from './endpointKit';
import { ASK, HAIKU, OPUS, SONNET, ownKeyEndpoint, requireBuild, scenario, serve } from './endpointKit';

const KEY_A = 'sk-ant-api03-limited-key-a-0123456789';
const KEY_B = 'sk-ant-api03-roomy-key-b-0123456789';

describe('rate limits through the endpoint are the key’s', () => {
  let sim: RunningSimulator;
  let served: Served;
  before(async () => {
    requireBuild();
    sim = await startSimulator({ scenario: scenario({ [OPUS]: { rateLimit: { requestsPerMinute: 1, retryAfterS: 40, keys: [KEY_A] } } }) });
    served = await serve(sim.url);
  });
  after(async () => {
    await served?.stop();
    await sim?.close();
  });

  const opusCalls = (): number => sim.stats().requests.filter((r) => r.model === OPUS).length;
  const limited = (): number => sim.stats().requests.filter((r) => r.status === 429).length;

  test("a 429 met with key A holds A's requests from every client, and not key B's", async () => {
    // A's one request of the minute, spent outside the endpoint (another tool with the same key).
    const direct = new Anthropic({ baseURL: sim.url, apiKey: KEY_A, maxRetries: 0 });
    await direct.messages.create({ model: OPUS, ...ASK });
    assert.equal(opusCalls(), 1);

    const clientA = new Anthropic({ baseURL: served.url, apiKey: KEY_A });
    const first = await clientA.messages.create({ model: OPUS, ...ASK }).withResponse();
    assert.equal(limited(), 1, "A's request met the API's 429 once");
    assert.equal(first.response.headers.get('x-resilient-claude-model'), SONNET, 'and was answered by the fallback at once');

    // B: the same endpoint, models and shared routes, another key — A's limit is not B's.
    const clientB = new Anthropic({ baseURL: served.url, apiKey: KEY_B });
    const b = await clientB.messages.create({ model: OPUS, ...ASK }).withResponse();
    assert.equal(b.response.headers.get('x-resilient-claude-model'), OPUS, 'B is answered by the model it asked for');
    assert.equal(b.response.headers.get('x-resilient-claude-attempts'), '1', 'at the first attempt: no hold, no wait');
    const streamed = await clientB.messages.stream({ model: OPUS, ...ASK }).finalMessage();
    assert.equal(streamed.model, OPUS, 'streaming too');

    // A again, from another client (another session with the same key): A's hold is shared.
    const otherA = new Anthropic({ baseURL: served.url, apiKey: KEY_A });
    const before = opusCalls();
    const second = await otherA.messages.create({ model: OPUS, ...ASK }).withResponse();
    assert.equal(second.response.headers.get('x-resilient-claude-model'), SONNET, "A's other client is held off the limited model");
    assert.equal(second.response.headers.get('x-resilient-claude-attempts'), '1', 'and sends nothing there to be refused');
    assert.equal(opusCalls(), before, 'the limited model saw no request of A’s again');
    assert.equal(limited(), 1, 'one 429 in all');

    // A failure's retry-after is the key's own: A's route is held, B's is not (and A's key sent as
    // x-api-key is the same credential as the SDK's bearer).
    const refused = async (key: string): Promise<Response> =>
      fetch(`${served.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' }, body: JSON.stringify({ model: OPUS, max_tokens: 16, messages: [] }) });
    const failedA = await refused(KEY_A);
    const failedB = await refused(KEY_B);
    assert.equal(failedA.status, 400);
    assert.equal(failedB.status, 400);
    assert.ok(Number(failedA.headers.get('retry-after')) > 20, "A's failure says when A's hold ends");
    assert.equal(failedB.headers.get('retry-after'), null, "B's failure names no hold of A's");

    const log = served.stdout() + served.stderr();
    assert.ok(!log.includes(KEY_A) && !log.includes(KEY_B), 'no key in what serve wrote');
  });
});

test('a breaker that opens reaches the endpoint’s events once, however many keys have a manager on it', async () => {
  const sim = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }) });
  const events: ManagerEvent[] = [];
  // As the broker runs it: every manager on one user's route state.
  const shared = createSharedRoutes(testConfig(sim.url));
  const endpoint = await ownKeyEndpoint(sim.url, { createManager: (config) => createRequestManager(config, shared), onEvent: (event) => events.push(event) });
  try {
    // A's manager exists (a healthy model), then B's request opens Opus's breaker.
    await new Anthropic({ baseURL: endpoint.url, apiKey: KEY_A }).messages.create({ model: HAIKU, ...ASK });
    const b = await new Anthropic({ baseURL: endpoint.url, apiKey: KEY_B }).messages.create({ model: OPUS, ...ASK });
    assert.notEqual(b.model, OPUS);
    const opened = events.filter((e) => e.type === 'breaker' && e.model === OPUS && e.to === 'open');
    assert.equal(opened.length, 1);
  } finally {
    await endpoint.close();
    await sim.close();
  }
});
