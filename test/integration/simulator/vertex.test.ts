// Vertex AI paths (rawPredict / streamRawPredict, model in the URL) behave like
// the Messages API, for plain fetch and for the official Vertex SDK.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { OAuth2Client } from 'google-auth-library';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const QUESTION = 'Where does Vertex route this?';
const MODEL = 'claude-sonnet-5-5';

function vertexPath(model: string, method: 'rawPredict' | 'streamRawPredict'): string {
  return `/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/${model}:${method}`;
}

/** A Google OAuth client holding a dummy, unexpired token: no network, no Google account. */
function offlineAuthClient(): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: 'dummy-vertex-token', expiry_date: Date.now() + 3_600_000 });
  return client;
}

describe('Vertex-style endpoints', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;

  before(async () => {
    sim = await startSimulator({
      scenario: { models: { 'claude-opus-5-5': { sequence: ['529'] } } },
    });
  });
  after(() => sim.close());

  it('rawPredict answers with a message; the model comes from the URL', async () => {
    const response = await fetch(sim.url + vertexPath(MODEL, 'rawPredict'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ya29.dummy' },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('request-id') ?? '', /^req_sim_/);
    const message = (await response.json()) as { model: string; content: Array<{ text: string }> };
    assert.equal(message.model, MODEL);
    assert.equal(message.content[0]!.text, canonicalAnswer(QUESTION));
  });

  it('streamRawPredict streams SSE even without stream: true in the body', async () => {
    const response = await fetch(sim.url + vertexPath(MODEL, 'streamRawPredict'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const text = await response.text();
    assert.match(text, /^event: message_start\n/);
    assert.match(text, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
  });

  it('scenario outcomes apply to Vertex requests too', async () => {
    const response = await fetch(sim.url + vertexPath('claude-opus-5-5', 'rawPredict'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] }),
    });
    assert.equal(response.status, 529);
    const body = (await response.json()) as { error: { type: string } };
    assert.equal(body.error.type, 'overloaded_error');
  });

  it('the official Vertex SDK works against the simulator with an offline token', async () => {
    sim.reset();
    const client = new AnthropicVertex({
      baseURL: `${sim.url}/v1`,
      region: 'us-east5',
      projectId: 'demo-project',
      authClient: offlineAuthClient(),
      maxRetries: 0,
    });
    const message = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] });
    const block = message.content[0];
    assert.equal(block?.type === 'text' ? block.text : '', canonicalAnswer(QUESTION));

    const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] });
    assert.equal(await stream.finalText(), canonicalAnswer(QUESTION));

    const count = await client.messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'b'.repeat(40) }] });
    assert.equal(count.input_tokens, 10);

    const err = await client.messages
      .create({ model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user', content: QUESTION }] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Anthropic.InternalServerError);
    assert.equal(err.status, 529);

    const paths = sim.stats().requests.map((r) => r.path);
    assert.ok(paths.includes(vertexPath(MODEL, 'rawPredict')));
    assert.ok(paths.includes(vertexPath(MODEL, 'streamRawPredict')));
  });
});
