// A stream through the endpoint is the API's own: every event the upstream sent reaches the client
// unchanged and in order (the message id, usage, a thinking block's signature, a tool call's input
// as its partial JSON), when nothing fails. A client reading raw server-sent events → `serve` → a
// recording proxy that keeps each answer as the API sent it → the simulator. Needs `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RecordingProxy } from '../../support/recordingProxy';
import type { RecordedRig, Served } from './endpointKit';
import { OPUS, TEST_KEY, recordedRig, scenario } from './endpointKit';

interface SseEvent {
  readonly event: string;
  readonly data: unknown;
}

/** The events of a server-sent stream, pings left out (the API sends them when it likes). */
function sseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const lines = frame.split(/\r?\n/);
    const name = lines.find((line) => line.startsWith('event:'))?.slice('event:'.length).trim();
    const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice('data:'.length).trim()).join('\n');
    if (name === undefined || name === 'ping') continue;
    events.push({ event: name, data: JSON.parse(data) as unknown });
  }
  return events;
}

const BODIES: Readonly<Record<string, Record<string, unknown>>> = {
  text: { model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'Why do breakers open?' }] },
  thinking: { model: OPUS, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Think hard: why do breakers open?' }] },
  'a tool call': {
    model: OPUS,
    max_tokens: 256,
    tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
    messages: [{ role: 'user', content: 'Weather? [[tool:get_weather {"city":"Paris"}]]' }],
  },
};

describe('a stream through the endpoint is the API\'s own', { timeout: 90_000 }, () => {
  let r: RecordedRig | undefined;
  let proxy: RecordingProxy;
  let served: Served;
  before(async () => {
    r = await recordedRig(scenario({}));
    ({ proxy, served } = r);
  });
  after(async () => {
    await r?.close();
  });

  for (const [kind, body] of Object.entries(BODIES)) {
    test(`${kind}: every event the upstream sent, unchanged and in order`, async () => {
      const before = proxy.answers.length;
      const response = await fetch(`${served.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ ...body, stream: true }),
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(response.headers.get('x-resilient-claude-model'), OPUS);
      const received = sseEvents(await response.text());
      const answers = proxy.answers.slice(before).filter((answer) => answer.path.startsWith('/v1/messages'));
      assert.equal(answers.length, 1, 'one attempt upstream');
      const sent = sseEvents(answers[0]!.body);
      assert.ok(sent.length >= 5, `the upstream sent a stream (${sent.length} events)`);
      assert.deepEqual(received, sent);
      for (const { event, data } of received) assert.equal((data as { type?: unknown }).type, event, 'each event under its own name');
    });
  }

  test('thinking: the signature arrives as the API streamed it, before the text', async () => {
    const before = proxy.answers.length;
    const response = await fetch(`${served.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
      body: JSON.stringify({ ...BODIES['thinking'], stream: true }),
    });
    const received = sseEvents(await response.text());
    const kinds = received.filter((e) => e.event === 'content_block_delta').map((e) => (e.data as { delta: { type: string } }).delta.type);
    const signature = kinds.indexOf('signature_delta');
    assert.ok(signature > 0 && kinds.lastIndexOf('thinking_delta') < signature && kinds.indexOf('text_delta') > signature, kinds.join(','));
    assert.equal(proxy.answers.length - before, 1);
  });
});
