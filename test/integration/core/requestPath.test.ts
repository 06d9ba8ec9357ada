// The request path under faults nobody scripted, over loopback HTTP through the
// real SDKs: per-route failures end the route (or the provider), not the request;
// the user's own network is not the model's fault; server hints are parsed
// strictly and holds are bounded and visible.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, SONNET, TEST_KEY, scenario, testConfig } from './harness';
import { apiError, closedPort, startFaultServer } from './faultServer';

test('a Vertex 401 after an Anthropic 529 is answered by the next model on Anthropic; Vertex is not asked again', { timeout: 30_000 }, async () => {
  const anthropic = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  const vertex = await startFaultServer(
    Array.from({ length: 4 }, () => ({ kind: 'error' as const, status: 401, body: { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } } })),
  );
  const manager = createRequestManager({
    ...testConfig(anthropic.url),
    models: [OPUS, SONNET],
    providers: [
      { id: 'anthropic', baseURL: anthropic.url, apiKey: () => TEST_KEY },
      { id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => 'ya29.expired-token-0123456789' },
    ],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.model, SONNET);
    assert.equal(outcome.provider, 'anthropic');
    assert.equal(vertex.calls.length, 1, 'the 401 ended every Vertex route of this request');
    const vertexAttempt = outcome.attempts.find((a) => a.provider === 'vertex');
    assert.equal(vertexAttempt?.errorClass, 'auth');
    assert.match(vertexAttempt?.message ?? '', /Google Vertex AI rejected the credentials/);
  } finally {
    manager.dispose();
    await anthropic.close();
    await vertex.close();
  }
});

test('only auth failures on every route fail the request, and the message names the provider, not "the API key"', { timeout: 30_000 }, async () => {
  const vertex = await startFaultServer([{ kind: 'error', status: 401, body: { error: { code: 401, message: 'invalid credentials', status: 'UNAUTHENTICATED' } } }]);
  const manager = createRequestManager({
    ...testConfig(vertex.url),
    providers: [{ id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => 'ya29.expired-token-0123456789' }],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(!outcome.ok && outcome.error.class === 'auth');
    assert.match(outcome.error.message, /Google Vertex AI/);
    assert.doesNotMatch(outcome.error.message, /API key/);
    assert.equal(vertex.calls.length, 1);
  } finally {
    manager.dispose();
    await vertex.close();
  }
});

test('a Bedrock 403 on one model (not enabled in the account) moves on to the next route', { timeout: 30_000 }, async () => {
  const anthropic = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  const bedrock = await startFaultServer([
    {
      kind: 'error',
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/coral/com.amazon.bedrock/' },
      body: { message: "You don't have access to the model with the specified model ID." },
    },
  ]);
  const manager = createRequestManager({
    ...testConfig(anthropic.url),
    models: [OPUS, SONNET],
    providers: [
      { id: 'anthropic', baseURL: anthropic.url, apiKey: () => TEST_KEY },
      { id: 'bedrock', baseURL: bedrock.url, region: 'us-east-1', awsAccessKeyId: () => 'AKIDRESILIENTTEST001', awsSecretAccessKey: () => 'bedrock-secret-0123456789' },
    ],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.model, SONNET);
    assert.equal(bedrock.calls.length, 1);
    assert.match(bedrock.calls[0]!.path, /claude-opus-5-5/);
    assert.equal(outcome.attempts.find((a) => a.provider === 'bedrock')?.status, 403);
  } finally {
    manager.dispose();
    await anthropic.close();
    await bedrock.close();
  }
});

test('every route unreachable fails fast as unreachable, names the host, and moves no breaker', { timeout: 30_000 }, async () => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const manager = createRequestManager({ ...testConfig(url), models: [OPUS, SONNET] });
  const events: ManagerEvent[] = [];
  manager.onEvent((e) => events.push(e));
  try {
    await import('@anthropic-ai/sdk');
    const started = Date.now();
    const outcome = await manager.send(ASK);
    const elapsed = Date.now() - started;
    assert.ok(!outcome.ok && outcome.error.class === 'unreachable', JSON.stringify(outcome));
    assert.ok(elapsed < 2_000, `took ${elapsed} ms`);
    assert.equal(outcome.attempts.length, 1, 'no walk down the model chain');
    assert.match(outcome.error.message, new RegExp(`Can't reach 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\) — check your network, proxy or base URL`));
    assert.equal(events.filter((e) => e.type === 'breaker').length, 0);
    assert.ok(manager.breakers().every((b) => b.state === 'closed'));
  } finally {
    manager.dispose();
  }
});

for (const [label, headers] of [
  ['retry-after: -5', { 'retry-after': '-5' }],
  ['retry-after: abc 12', { 'retry-after': 'abc 12' }],
  ['retry-after-ms: NaN', { 'retry-after-ms': 'NaN' }],
] as const) {
  test(`a 429 with ${label} backs off as if no hint came, and holds nothing`, { timeout: 30_000 }, async () => {
    const server = await startFaultServer([{ kind: 'error', status: 429, headers, body: apiError('rate_limit_error', 'slow down') }, { kind: 'sse', text: 'fine' }]);
    const manager = createRequestManager({ ...testConfig(server.url), models: [OPUS] });
    const events: ManagerEvent[] = [];
    manager.onEvent((e) => events.push(e));
    try {
      const outcome = await manager.send(ASK);
      assert.ok(outcome.ok && outcome.text === 'fine', JSON.stringify(outcome));
      const wait = events.find((e) => e.type === 'wait');
      assert.ok(wait && wait.type === 'wait' && wait.delayMs <= 20, `computed backoff (max 20 ms here), got ${JSON.stringify(wait)}`);
      assert.ok(manager.breakers().every((b) => b.heldUntil === null));
    } finally {
      manager.dispose();
      await server.close();
    }
  });
}

for (const status of [529, 429] as const) {
  test(`a ${status} with retry-after: 999999 holds the primary (capped, visible) and the fallback answers at once`, { timeout: 30_000 }, async () => {
    const type = status === 529 ? 'overloaded_error' : 'rate_limit_error';
    const server = await startFaultServer([
      { kind: 'error', status, headers: { 'retry-after': '999999' }, body: apiError(type, 'come back much later') },
      { kind: 'sse', text: 'from sonnet' },
      { kind: 'sse', text: 'sonnet again' },
    ]);
    const holdCapMs = 60_000;
    const manager = createRequestManager({ ...testConfig(server.url), models: [OPUS, SONNET], retry: { ...testConfig(server.url).retry, holdCapMs } });
    const events: ManagerEvent[] = [];
    manager.onEvent((e) => events.push(e));
    const modelOf = (call: { body: string }): string => (JSON.parse(call.body) as { model: string }).model;
    try {
      const before = Date.now();
      const outcome = await manager.send(ASK);
      assert.ok(outcome.ok && outcome.model === SONNET && outcome.text === 'from sonnet', JSON.stringify(outcome));
      assert.ok(!events.some((e) => e.type === 'wait'), 'no wait on the primary');
      const hold = events.find((e) => e.type === 'hold' && e.model === OPUS);
      assert.ok(hold && hold.type === 'hold' && hold.until !== null, 'the hold is announced');
      const heldUntil = manager.breakers().find((b) => b.model === OPUS)?.heldUntil ?? null;
      assert.ok(heldUntil !== null && heldUntil >= before + holdCapMs - 1_000 && heldUntil <= Date.now() + holdCapMs, `held until ${heldUntil}, capped at ${holdCapMs} ms`);
      // The next question goes straight to the fallback while the hold lasts.
      const next = await manager.send(ASK);
      assert.ok(next.ok && next.model === SONNET && next.text === 'sonnet again', JSON.stringify(next));
      assert.deepEqual(server.calls.map(modelOf), [OPUS, SONNET, SONNET], 'one attempt on the primary, none after its hold began');
    } finally {
      manager.dispose();
      await server.close();
    }
  });
}

test('a rate-limit reset in 2099 is ignored; a long retry-after holds the route (capped, visible) until Reset clears it', { timeout: 30_000 }, async () => {
  const server = await startFaultServer([
    { kind: 'sse', text: 'one', headers: { 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2099-01-01T00:00:00Z' } },
    { kind: 'sse', text: 'two' },
    { kind: 'error', status: 429, headers: { 'retry-after': '45' }, body: apiError('rate_limit_error', 'slow down') },
    { kind: 'sse', text: 'from sonnet' },
    { kind: 'sse', text: 'after reset' },
  ]);
  const manager = createRequestManager({ ...testConfig(server.url), models: [OPUS, SONNET], retry: { ...testConfig(server.url).retry, retryAfterCapMs: 2_000, holdCapMs: 60_000 } });
  const events: ManagerEvent[] = [];
  manager.onEvent((e) => events.push(e));
  try {
    assert.ok((await manager.send(ASK)).ok);
    const second = await manager.send(ASK);
    assert.ok(second.ok && second.model === OPUS, 'the 2099 reset did not park the route');
    const before = Date.now();
    const third = await manager.send(ASK);
    assert.ok(third.ok && third.model === SONNET && third.text === 'from sonnet');
    const held = manager.breakers().find((b) => b.model === OPUS);
    assert.ok(held?.heldUntil !== null && held !== undefined);
    assert.ok(held.heldUntil! >= before + 40_000 && held.heldUntil! <= Date.now() + 60_000, `held until ${held.heldUntil}`);
    assert.ok(events.some((e) => e.type === 'hold' && e.model === OPUS && e.until !== null));
    manager.resetBreakers();
    assert.equal(manager.breakers().find((b) => b.model === OPUS)?.heldUntil, null);
    const fourth = await manager.send(ASK);
    assert.ok(fourth.ok && fourth.model === OPUS && fourth.text === 'after reset');
  } finally {
    manager.dispose();
    await server.close();
  }
});

test('a settings change: another base URL is another route (the hold stays with its endpoint); new headers on the same endpoint forget the hold', { timeout: 30_000 }, async () => {
  const server = await startFaultServer([{ kind: 'error', status: 429, headers: { 'retry-after': '45' }, body: apiError('rate_limit_error', 'slow down') }]);
  const config = { ...testConfig(server.url), models: [OPUS, SONNET], retry: { ...testConfig(server.url).retry, retryAfterCapMs: 2_000 } };
  const heldOpus = (): number | null => manager.breakers().find((b) => b.model === OPUS)?.heldUntil ?? null;
  const manager = createRequestManager(config);
  try {
    await manager.send(ASK);
    assert.notEqual(heldOpus(), null);
    manager.updateConfig({ ...config, concurrency: 3 });
    assert.notEqual(heldOpus(), null, 'an unrelated change keeps the hold');
    manager.updateConfig({ ...config, providers: [{ id: 'anthropic', baseURL: `${server.url}/gateway`, apiKey: () => TEST_KEY }] });
    assert.equal(heldOpus(), null, 'behind another base URL the model is another route, with no hold');
    manager.updateConfig(config);
    assert.notEqual(heldOpus(), null, 'back on the first endpoint, its hold is as it was');
    manager.updateConfig({ ...config, providers: [{ id: 'anthropic', baseURL: server.url, apiKey: () => TEST_KEY, headers: { 'x-account': 'other' } }] });
    assert.equal(heldOpus(), null, 'new headers on the same endpoint forget the hold');
  } finally {
    manager.dispose();
    await server.close();
  }
});
