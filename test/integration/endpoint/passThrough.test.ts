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
