// The provider's path (src/extension/chat/providerPipeline.ts) against the simulator through the
// real SDK: VS Code-shaped messages in, response parts out — the model's text exactly, one
// tool-call part per tool_use, usage last — and the token counter learning from the usage; also
// on a window's broker client (the manager a window with sharing on gives the chat provider).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProviderPipeline } from '../../../src/extension/chat/providerPipeline';
import type { ResponsePartFactory } from '../../../src/extension/chat/toResponseParts';
import { DEFAULT_CHARS_PER_TOKEN, TokenCounter } from '../../../src/extension/chat/tokenCounter';
import { SAMPLE_PNG_BASE64, canonicalAnswer } from '../../../src/simulator/index';
import { OPUS, SONNET, rig, scenario, testConfig } from '../core/harness';
import { cleanUp, inProcessBroker, sharedClient } from '../broker/brokerKit';

type Part = { text: string } | { call: string; name: string; input: object } | { mime: string; json: unknown };
const make: ResponsePartFactory<Part> = {
  text: (text) => ({ text }),
  toolCall: (call, name, input) => ({ call, name, input }),
  data: (bytes, mime) => ({ mime, json: JSON.parse(new TextDecoder().decode(bytes)) }),
};

const OPUS_MODEL = { id: OPUS, maxOutputTokens: 128_000 };

test('the provider path returns the model\'s text exactly, usage last, and calibrates the counter', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['529'] } }));
  try {
    const counter = new TokenCounter();
    const prompt = 'Why do circuit breakers half-open? '.repeat(20).trim();
    const parts: Part[] = [];
    const { outcome } = await runProviderPipeline(
      { stream: (body) => r.manager.stream(body), make, counter },
      OPUS_MODEL,
      [{ role: 1, content: [{ value: prompt }] }],
      {},
      (p) => parts.push(p),
    );
    assert.equal(outcome.ok, true);
    const texts = parts.filter((p): p is { text: string } => 'text' in p).map((p) => p.text).join('');
    assert.equal(texts, canonicalAnswer(prompt));
    const last = parts.at(-1);
    assert.ok(last && 'mime' in last && last.mime === 'token_usage');
    assert.ok((last.json as { prompt_tokens: number }).prompt_tokens > 0);
    assert.notEqual(counter.ratio(OPUS), DEFAULT_CHARS_PER_TOKEN, 'the reported usage calibrated Opus\'s ratio');
  } finally {
    await r.close();
  }
});

test('the chain entry leaves the model to the manager; a picked model starts the chain there', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}));
  try {
    const send = (id: string) =>
      runProviderPipeline(
        { stream: (body) => r.manager.stream(body), make, counter: new TokenCounter() },
        { id, maxOutputTokens: 64_000 },
        [{ role: 1, content: [{ value: 'hello' }] }],
        {},
        () => undefined,
      );
    await send('resilient-chain');
    await send(SONNET);
    assert.deepEqual(
      r.sim.stats().requests.filter((q) => q.path === '/v1/messages').map((q) => q.model),
      [OPUS, SONNET],
    );
  } finally {
    await r.close();
  }
});

test('tools: one tool-call part per tool_use, with the API\'s ids and parsed input', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}));
  try {
    const parts: Part[] = [];
    await runProviderPipeline(
      { stream: (body) => r.manager.stream(body), make, counter: new TokenCounter() },
      OPUS_MODEL,
      [{ role: 1, content: [{ value: 'Both please [[tool:get_weather {"city":"Oslo"}]] [[tool:get_time {"city":"Oslo"}]]' }] }],
      {
        tools: [
          { name: 'get_weather', description: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } },
          { name: 'get_time', description: 'time', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } },
        ],
      },
      (p) => parts.push(p),
    );
    const calls = parts.filter((p): p is { call: string; name: string; input: object } => 'call' in p);
    assert.deepEqual(calls.map((c) => [c.name, c.input]), [
      ['get_weather', { city: 'Oslo' }],
      ['get_time', { city: 'Oslo' }],
    ]);
    for (const c of calls) assert.match(c.call, /^toolu_/);
  } finally {
    await r.close();
  }
});

test('an image data part reaches the API as an image block the API accepts', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}));
  try {
    const png = Buffer.from(SAMPLE_PNG_BASE64, 'base64');
    const { outcome, omitted } = await runProviderPipeline(
      { stream: (body) => r.manager.stream(body), make, counter: new TokenCounter() },
      OPUS_MODEL,
      [{ role: 1, content: [{ value: 'What is in this picture?' }, { data: new Uint8Array(png), mimeType: 'image/jpeg' }] }],
      {},
      () => undefined,
    );
    assert.deepEqual(omitted, []);
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error.message);
    assert.deepEqual(
      r.sim.stats().requests.filter((q) => q.path === '/v1/messages').map((q) => q.outcome),
      ['ok'],
      'validated by the simulator (a mislabelled type would be a 400)',
    );
  } finally {
    await r.close();
  }
});

test("through a window's broker client on the broker: the model's text exactly and one tool-call part per tool_use", { timeout: 30_000 }, async () => {
  const r = await rig(scenario({}));
  const { dir, broker } = await inProcessBroker();
  const manager = sharedClient(dir, testConfig(r.sim.url), 'chat-window');
  try {
    await manager.whenReady();
    assert.equal(manager.sharing.mode, 'shared');
    const parts: Part[] = [];
    const prompt = 'Weather and words [[tool:get_weather {"city":"Oslo"}]]';
    const { outcome } = await runProviderPipeline(
      { stream: (body) => manager.stream(body), make, counter: new TokenCounter() },
      OPUS_MODEL,
      [{ role: 1, content: [{ value: prompt }] }],
      { tools: [{ name: 'get_weather', description: 'weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }] },
      (p) => parts.push(p),
    );
    assert.equal(outcome.ok, true, outcome.ok ? '' : outcome.error.message);
    const calls = parts.filter((p): p is { call: string; name: string; input: object } => 'call' in p);
    assert.deepEqual(calls.map((c) => [c.name, c.input]), [['get_weather', { city: 'Oslo' }]]);
    const text = parts.filter((p): p is { text: string } => 'text' in p).map((p) => p.text).join('');
    assert.equal(text, outcome.ok ? outcome.text : '', 'the text as the answer has it, once');
    const last = parts.at(-1);
    assert.ok(last && 'mime' in last && last.mime === 'token_usage');
  } finally {
    manager.dispose();
    await broker.stop('test over');
    await cleanUp(dir);
    await r.close();
  }
});
