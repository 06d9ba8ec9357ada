// The loads real clients put on the endpoint: a request the size of Claude Code's (a long system
// prompt and 30 tools, about 150 KB) reaches the API byte for byte the same JSON, streamed and not;
// and 20 SDK clients streaming at once, each with its own key, are all answered with no more
// upstream attempts than requests (healthy). The official SDK → `serve` → a recording proxy → the
// simulator. Needs `npm run build`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import { recordingProxy } from '../../support/recordingProxy';
import { HAIKU, OPUS, SONNET, TEST_KEY, recordedRig, requireBuild, scenario, serve } from './endpointKit';

/** A body shaped like Claude Code's: a long system prompt in blocks, 30 tools with schemas, a few turns. */
function claudeCodeSizedBody(): Anthropic.MessageCreateParamsNonStreaming {
  const system: Anthropic.TextBlockParam[] = [
    { type: 'text', text: 'You are Claude Code, an interactive CLI tool. '.repeat(40) },
    { type: 'text', text: 'Follow the repository conventions; prefer small focused changes. '.repeat(1200), cache_control: { type: 'ephemeral' } },
  ];
  const tools: Anthropic.Tool[] = Array.from({ length: 30 }, (_, i) => ({
    name: `tool_${i}`,
    description: `Tool ${i}: ${'Reads, edits or runs what the user asks for, within the workspace. '.repeat(25)}`,
    input_schema: {
      type: 'object',
      properties: { path: { type: 'string', description: 'An absolute path. '.repeat(20) }, limit: { type: 'integer', minimum: 1 } },
      required: ['path'],
    },
  }));
  return {
    model: OPUS,
    max_tokens: 256,
    system,
    tools,
    metadata: { user_id: 'user_0123' },
    messages: [
      { role: 'user', content: 'Look at the endpoint.' },
      { role: 'assistant', content: 'I will read it.' },
      { role: 'user', content: 'Go on.' },
    ],
  };
}

test('a Claude Code sized request (~150 KB) reaches the API as the client sent it, streamed and not', { timeout: 90_000 }, async () => {
  const r = await recordedRig(scenario({}));
  try {
    const body = claudeCodeSizedBody();
    const size = Buffer.byteLength(JSON.stringify(body));
    assert.ok(size > 140_000 && size < 200_000, `the body is ${size} bytes`);
    const client = new Anthropic({ baseURL: r.served.url, apiKey: TEST_KEY, maxRetries: 0 });
    const plain = await client.messages.create(body);
    const streamed = await client.messages.stream(body).finalMessage();
    for (const message of [plain, streamed]) {
      assert.equal(message.model, OPUS);
      assert.equal(message.stop_reason, 'end_turn');
    }
    const sent = r.proxy.seen.filter((seen) => seen.path.startsWith('/v1/messages'));
    assert.equal(sent.length, 2, 'one attempt each');
    for (const seen of sent) assert.deepEqual(seen.body, { ...body, stream: true });
  } finally {
    await r.close();
  }
});

test('20 SDK clients streaming at once, each with its own key: all answered, one upstream attempt each', { timeout: 90_000 }, async () => {
  requireBuild();
  // This simulator takes any key, so each client's own key is served, and its attempts can be counted.
  const sim = await startSimulator({ scenario: scenario({}, { ttftMs: 60 }) });
  const proxy = await recordingProxy(sim.url);
  const served = await serve(proxy.url);
  try {
    const models = [OPUS, SONNET, HAIKU];
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const client = new Anthropic({ baseURL: served.url, apiKey: `sk-ant-client-${i}-0123456789`, maxRetries: 0 });
        const stream = client.messages.stream({ model: models[i % 3]!, max_tokens: 64, messages: [{ role: 'user', content: `client ${i}` }] });
        const text: string[] = [];
        stream.on('text', (delta) => text.push(delta));
        const message = await stream.finalMessage();
        return { i, message, text: text.join('') };
      }),
    );
    for (const { i, message, text } of answers) {
      assert.equal(message.model, models[i % 3], `client ${i} answered by the model it asked`);
      assert.ok(text.length > 0 && message.stop_reason === 'end_turn', `client ${i} got a whole answer`);
    }
    const sent = proxy.seen.filter((seen) => seen.path.startsWith('/v1/messages'));
    assert.equal(sent.length, 20, 'no more upstream attempts than requests');
    for (const seen of sent) {
      const i = Number(/^client (\d+)$/.exec((seen.body['messages'] as { content: string }[])[0]!.content)![1]);
      const key = seen.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(seen.headers.authorization ?? '')?.[1];
      assert.equal(key, `sk-ant-client-${i}-0123456789`, `client ${i}'s own key`);
    }
    assert.equal((await served.messageLines(20)).filter((line) => / → 200 /.test(line)).length, 20);
  } finally {
    await served.stop();
    await proxy.close();
    await sim.close();
  }
});
