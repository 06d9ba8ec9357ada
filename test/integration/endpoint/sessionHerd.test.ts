// Ten sessions herd no more than one: ten SDK clients configured as Claude Code is (its own retries
// on, maxRetries 10, streaming, the same key) start at once through one endpoint. On a primary
// outage (529 to everything, fallbacks healthy) all ten are answered by the fallback, each with one
// request at the endpoint, and the primary sees no more attempts than one session alone causes plus
// the breaker's threshold and its probes. On a rate-limit storm (the primary admits few requests a
// minute) the upstream 429s stay below one per session: no client multiplies them.
// The official SDK → the endpoint in this process → the simulator, over loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import type { Scenario } from '../../../src/simulator/index';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import { createRequestManager } from '../../../src/core/requestManager';
import { testConfig } from '../core/harness';
import { ASK, CHAIN, OPUS, SONNET, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

const SESSIONS = 10;
const config = (url: string): ReturnType<typeof testConfig> => {
  const base = testConfig(url, { models: CHAIN });
  return { ...base, retry: { ...base.retry, baseDelayMs: 200, maxDelayMs: 1_000 } };
};

interface Herd {
  /** The models that answered, one per session. */
  readonly answeredBy: string[];
  /** Requests the endpoint received (a client's own retries would add to them). */
  readonly atEndpoint: number;
  /** The primary's attempts upstream, and its 429s. */
  readonly primaryAttempts: number;
  readonly primary429s: number;
  readonly ms: number;
}

/** `sessions` Claude Code-like clients start at once through one fresh endpoint to a fresh simulator. */
async function herd(s: Scenario, sessions: number): Promise<Herd> {
  const sim = await startSimulator({ scenario: s, apiKey: TEST_KEY });
  const requests: EndpointRequest[] = [];
  const endpoint = await ownKeyEndpoint(sim.url, {
    base: () => config(sim.url),
    createManager: (managerConfig) => createRequestManager(managerConfig),
    onRequest: (request) => requests.push(request),
  });
  try {
    const clients = Array.from({ length: sessions }, () => new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 10 }));
    const started = Date.now();
    const answers = await Promise.all(clients.map((client) => client.messages.stream({ model: OPUS, ...ASK }).finalMessage()));
    const ms = Date.now() - started;
    const primary = sim.stats().byModel[OPUS];
    return {
      answeredBy: answers.map((answer) => answer.model),
      atEndpoint: requests.filter((request) => request.path === '/v1/messages').length,
      primaryAttempts: primary?.total ?? 0,
      primary429s: primary?.outcomes['429'] ?? 0,
      ms,
    };
  } finally {
    await endpoint.close();
    await sim.close();
  }
}

test('a primary outage: ten sessions at once cost the primary no more than one session plus the breaker\'s threshold and probes', { timeout: 180_000 }, async (t) => {
  const outage = scenario({ [OPUS]: { p529: 1 } });
  const alone = await herd(outage, 1);
  assert.deepEqual(alone.answeredBy, [SONNET]);
  assert.equal(alone.atEndpoint, 1);
  const ten = await herd(outage, SESSIONS);
  assert.deepEqual(ten.answeredBy, Array.from({ length: SESSIONS }, () => SONNET), 'every session answered by the fallback');
  assert.equal(ten.atEndpoint, SESSIONS, 'one request each at the endpoint: no client retried');
  const { breaker } = config('http://127.0.0.1');
  // A probe per open period at most (the open period only grows), plus one.
  const probes = Math.floor(ten.ms / breaker.openMs) + 1;
  const bound = alone.primaryAttempts + breaker.failureThreshold + probes;
  t.diagnostic(`primary attempts: alone ${alone.primaryAttempts}, ${SESSIONS} sessions ${ten.primaryAttempts} (bound ${bound}), ${ten.ms} ms`);
  assert.ok(ten.primaryAttempts <= bound, `the primary saw ${ten.primaryAttempts} attempts from ${SESSIONS} sessions; one alone causes ${alone.primaryAttempts}, bound ${bound} (${ten.ms} ms)`);
});

test('a rate-limit storm: ten sessions at once cost the primary fewer 429s than sessions, and every one is answered', { timeout: 180_000 }, async (t) => {
  const storm = scenario({ [OPUS]: { rateLimit: { requestsPerMinute: 2, retryAfterS: 60 } } });
  const ten = await herd(storm, SESSIONS);
  t.diagnostic(`primary: ${ten.primaryAttempts} attempts, ${ten.primary429s} 429s; answered by ${ten.answeredBy.join(', ')}; ${ten.ms} ms`);
  assert.equal(ten.answeredBy.length, SESSIONS);
  assert.ok(ten.answeredBy.every((model) => model === OPUS || model === SONNET), ten.answeredBy.join(', '));
  assert.ok(ten.answeredBy.filter((model) => model === OPUS).length <= 2, 'the primary answered no more than it admits');
  assert.equal(ten.atEndpoint, SESSIONS, 'one request each at the endpoint: no client retried');
  assert.ok(ten.primary429s < SESSIONS, `the primary answered ${ten.primary429s} 429s to ${SESSIONS} sessions`);
  assert.ok(ten.primaryAttempts <= SESSIONS, `the primary saw ${ten.primaryAttempts} attempts from ${SESSIONS} sessions`);
});

test('healthy: ten sessions at once on a route nobody has seen answer are all answered by the primary, one attempt each, however long the answers', { timeout: 180_000 }, async () => {
  // Answers of about 5 s each: longer than a request waits on a route in doubt. The route is proven
  // when an answer starts, not when it ends.
  const ten = await herd(scenario({}, { ttftMs: 300, tokensPerSecond: 40, outputTokens: 200 }), SESSIONS);
  assert.deepEqual(ten.answeredBy, Array.from({ length: SESSIONS }, () => OPUS), 'the sessions past the first three waited for a verdict, not for the fallback');
  assert.equal(ten.primaryAttempts, SESSIONS);
  assert.equal(ten.atEndpoint, SESSIONS);
});
