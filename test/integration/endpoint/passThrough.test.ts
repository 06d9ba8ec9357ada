// What a client sends through the local endpoint reaches the API as it sent it: the body (fields
// the SDK's types do not know included) and its anthropic-beta and anthropic-version headers,
// streamed or not. The official SDK → `serve` → a recording proxy → the simulator. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import { recordingProxy } from '../../support/recordingProxy';
import { ASK, OPUS, TEST_KEY, requireBuild, scenario, serve } from './endpointKit';

test('the body and the beta and version headers reach the API unchanged through the endpoint', { timeout: 60_000 }, async () => {
  requireBuild();
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  const served = await serve(proxy.url);
  try {
    const headers = { 'anthropic-beta': 'web-fetch-2025-09-10,context-management-2025-06-27', 'anthropic-version': '2023-06-01' };
    const client = new Anthropic({ baseURL: served.url, apiKey: TEST_KEY, defaultHeaders: headers, maxRetries: 0 });
    const body = { model: OPUS, ...ASK, a_field_the_sdk_has_not_met: { kept: true } };
    await client.messages.create(body as Anthropic.MessageCreateParamsNonStreaming);
    await client.messages.stream(body as Anthropic.MessageStreamParams).finalMessage();
    const sent = proxy.seen.filter((s) => s.path === '/v1/messages');
    assert.equal(sent.length, 2);
    for (const seen of sent) {
      assert.deepEqual(seen.body, { ...body, stream: true }, 'the client\'s body, streamed by the manager');
      assert.equal(seen.headers['anthropic-beta'], headers['anthropic-beta']);
      assert.equal(seen.headers['anthropic-version'], headers['anthropic-version']);
    }
  } finally {
    await served.stop();
    await proxy.close();
    await sim.close();
  }
});

test('clients with their own keys at the same time: each request reaches the API with its own client\'s key, never another\'s', { timeout: 60_000 }, async () => {
  requireBuild();
  const sim = await startSimulator({ scenario: scenario({}, { ttftMs: 150 }), apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  const served = await serve(proxy.url);
  try {
    // The simulator knows only TEST_KEY: the other keys are refused there (401), which is what the
    // clients asked for with them — what matters is whose key each request carried (the SDK sends
    // it as a bearer token, which the endpoint forwards as one).
    const keys = [TEST_KEY, 'sk-ant-other-client-1', 'sk-ant-other-client-2', TEST_KEY, 'sk-ant-other-client-3', 'sk-ant-other-client-4'];
    await Promise.all(
      keys.map(async (key, i) => {
        const client = new Anthropic({ baseURL: served.url, apiKey: key, maxRetries: 0 });
        const body = { model: OPUS, max_tokens: 64, messages: [{ role: 'user' as const, content: `client ${i}` }] };
        const done = i % 2 === 0 ? client.messages.stream(body).finalMessage() : client.messages.create(body);
        await done.catch((error: unknown) => {
          if (key === TEST_KEY) throw error;
        });
      }),
    );
    const sent = proxy.seen.filter((s) => s.path === '/v1/messages');
    assert.ok(sent.length >= keys.length, `every client's request went upstream (${sent.length})`);
    for (const seen of sent) {
      const content = (seen.body['messages'] as { content: string }[])[0]!.content;
      const i = Number(/^client (\d+)$/.exec(content)![1]);
      const carried = seen.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(seen.headers.authorization ?? '')?.[1];
      assert.equal(carried, keys[i], `client ${i}'s request carried its own key`);
    }
  } finally {
    await served.stop();
    await proxy.close();
    await sim.close();
  }
});

test('the query string reaches the API with every attempt: ?beta=true as Claude Code sends it, streamed, not, and counted', { timeout: 60_000 }, async () => {
  requireBuild();
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  const served = await serve(proxy.url);
  try {
    const headers = { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'context-management-2025-06-27' };
    const post = (path: string, body: Record<string, unknown>): Promise<Response> => fetch(`${served.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const plain = await post('/v1/messages?beta=true', { model: OPUS, ...ASK });
    const streamed = await post('/v1/messages?beta=true', { model: OPUS, ...ASK, stream: true });
    const counted = await post('/v1/messages/count_tokens?beta=true', { model: OPUS, messages: ASK.messages });
    assert.equal(((await plain.json()) as { model: string }).model, OPUS);
    assert.match(await streamed.text(), /event: message_stop/);
    assert.ok(((await counted.json()) as { input_tokens: number }).input_tokens > 0);
    assert.deepEqual(proxy.seen.map((seen) => seen.path), ['/v1/messages?beta=true', '/v1/messages?beta=true', '/v1/messages/count_tokens?beta=true']);
    for (const seen of proxy.seen) assert.equal(seen.headers['anthropic-beta'], headers['anthropic-beta']);
  } finally {
    await served.stop();
    await proxy.close();
    await sim.close();
  }
});
