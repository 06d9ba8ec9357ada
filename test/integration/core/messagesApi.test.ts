// The whole Messages API through the manager and the real SDK against the
// simulator: a tool-use round trip that meets a 529 and a break inside the tool
// call, an image passed through verbatim, thinking adapted on a fallback that lacks
// it, and prompt-cache usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestManager } from '../../../src/core/requestManager';
import type { MessagesBody, StreamPart } from '../../../src/core/types';
import { SAMPLE_PNG_BASE64, attachmentSentence, canonicalAnswer, startSimulator, toolResultSentence } from '../../../src/simulator/index';
import { HAIKU, OPUS, TEST_KEY, scenario, testConfig } from './harness';

const WEATHER_TOOL = { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

test('tool use round trip: a 529, then a break inside the tool call — the caller gets exactly one complete call, and the tool result is answered', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({
    scenario: scenario({ [OPUS]: { sequence: ['529', 'midstream', 'ok'], midStreamBlock: 'tool_use', midStreamAfterTokens: 2 } }),
    apiKey: TEST_KEY,
  });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const first: MessagesBody = {
      max_tokens: 512,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'What is the weather in Paris? [[tool:get_weather {"city":"Paris"}]]' }],
    };
    const stream = manager.stream(first);
    const parts: StreamPart[] = [];
    for await (const part of stream.parts) parts.push(part);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.deepEqual(
      outcome.attempts.map((a) => a.errorClass),
      ['overloaded', 'overloaded', null],
      'a 529, a mid-stream overload inside the tool call, then the answer',
    );
    const calls = parts.filter((p): p is Extract<StreamPart, { type: 'tool_use' }> => p.type === 'tool_use');
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]!.input, { city: 'Paris' });
    assert.equal(outcome.message.stop_reason, 'tool_use');
    const texts = parts.filter((p) => p.type === 'text').map((p) => (p.type === 'text' ? p.text : '')).join('');
    assert.equal(texts, 'I will use the get_weather tool.', 'text neither duplicated nor lost');

    const second = await manager.send({
      ...first,
      messages: [
        ...first.messages,
        { role: 'assistant', content: outcome.message.content.map((b) => (b.type === 'tool_use' ? { type: 'tool_use' as const, id: b.id, name: b.name, input: b.input } : b.type === 'text' ? { type: 'text' as const, text: b.text } : b)) as never },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: calls[0]!.id, content: 'sunny, 21 °C' }] },
      ],
    });
    assert.ok(second.ok, JSON.stringify(second));
    assert.equal(second.text, `${toolResultSentence({ name: 'get_weather', text: 'sunny, 21 °C', isError: false })} ${canonicalAnswer('sunny, 21 °C')}`);
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('an image block reaches the API verbatim and is answered', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const outcome = await manager.send({
      max_tokens: 256,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: SAMPLE_PNG_BASE64 } },
            { type: 'text', text: 'What is in this picture?' },
          ],
        },
      ],
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.text, `${attachmentSentence(1, 0)} ${canonicalAnswer('What is in this picture?')}`);
    assert.ok(outcome.usage.inputTokens >= 1600, 'the image was counted as an image');
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('thinking on, then a fallback to a model without it: the request is adapted for that model and says so', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS, HAIKU] });
  try {
    const stream = manager.stream({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Why do breakers open?' }] });
    const parts: StreamPart[] = [];
    for await (const part of stream.parts) parts.push(part);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.model, HAIKU);
    assert.ok(outcome.adaptations.some((a) => /extended thinking dropped: claude-haiku-5-5/.test(a)), JSON.stringify(outcome.adaptations));
    assert.ok(parts.every((p) => p.type === 'text'), 'no thinking from a model without it');
    assert.equal(outcome.text, canonicalAnswer('Why do breakers open?'));
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('thinking on a model with it streams a signed thinking block first', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const stream = manager.stream({ max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Why do breakers open?' }] });
    const kinds: string[] = [];
    for await (const part of stream.parts) kinds.push(part.type);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok);
    assert.equal(kinds[0], 'thinking');
    const block = outcome.message.content[0];
    assert.ok(block?.type === 'thinking' && block.signature.length > 0);
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('prompt caching: the first request writes the cache, the next reads it, both in the outcome usage', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const longSystem = 'You review resilient network code carefully. '.repeat(400);
    const body: MessagesBody = { max_tokens: 128, system: [{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'Hello' }] };
    const first = await manager.send(body);
    const second = await manager.send(body);
    assert.ok(first.ok && second.ok);
    assert.ok(first.usage.cacheCreationInputTokens > 0, JSON.stringify(first.usage));
    assert.ok(second.usage.cacheReadInputTokens > 0, JSON.stringify(second.usage));
    assert.equal(second.message.usage.cache_read_input_tokens, second.usage.cacheReadInputTokens);
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('a server that keeps the connection open after message_stop: the answer ends there, no timeout, no retry', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({ [OPUS]: { keepOpenAfterStop: true } }), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS] });
  try {
    const outcome = await manager.send({ max_tokens: 64, messages: [{ role: 'user', content: 'Why do breakers open?' }] });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.attempts.length, 1);
    assert.equal(sim.stats().total, 1);
  } finally {
    manager.dispose();
    await sim.close();
  }
});

test('a tool call answered without thinking (by a fallback) is continued with thinking on: the request drops thinking, the model is not blamed', { timeout: 30_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS, HAIKU] });
  try {
    const thinking = { type: 'enabled' as const, budget_tokens: 2048 };
    const ask: MessagesBody = { max_tokens: 4096, thinking, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather? [[tool:get_weather {"city":"Oslo"}]]' }] };
    const first = await manager.send({ ...ask, model: HAIKU });
    assert.ok(first.ok && first.model === HAIKU, JSON.stringify(first));
    const call = first.message.content.find((b) => b.type === 'tool_use');
    assert.ok(call && call.type === 'tool_use');
    const second = await manager.send({
      ...ask,
      messages: [
        ...ask.messages,
        { role: 'assistant', content: first.message.content.map((b) => (b.type === 'tool_use' ? { type: 'tool_use' as const, id: b.id, name: b.name, input: b.input } : { type: 'text' as const, text: b.type === 'text' ? b.text : '' })) },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'snow' }] },
      ],
    });
    assert.ok(second.ok && second.model === OPUS, JSON.stringify(second));
    const third = await manager.send({ max_tokens: 4096, thinking, messages: [{ role: 'user', content: 'Why do breakers open?' }] });
    assert.ok(third.ok && third.model === OPUS);
    assert.equal(third.message.content[0]?.type, 'thinking', 'Opus still thinks on a request that allows it');
  } finally {
    manager.dispose();
    await sim.close();
  }
});
