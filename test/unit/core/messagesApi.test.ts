// The whole Messages API through the orchestrator, on a scripted transport: typed
// parts, the assembled Message, and the continuation rule per block type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRequest } from '../../../src/core/requestRun';
import { RouteState } from '../../../src/core/routeState';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import { defaultManagerConfig } from '../../../src/core/defaults';
import type { ManagerConfig } from '../../../src/core/contract';
import type { ManagerEvent, MessagesBody, Outcome, StreamPart } from '../../../src/core/types';
import type { RawStreamEvent } from '../../../src/core/wire';
import { partsCaller, ScriptedTransport, sdkError } from './fakeTransport';

const OPUS = 'claude-opus-5-5';
const HAIKU = 'claude-haiku-5-5';

const start = (usage = { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 }): RawStreamEvent => ({
  type: 'message_start',
  message: { id: 'msg_x', model: OPUS, usage },
});
const text = (index: number, value: string): RawStreamEvent[] => [
  { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index, delta: { type: 'text_delta', text: value } },
];
const stop = (index: number): RawStreamEvent => ({ type: 'content_block_stop', index });
const toolStart = (index: number): RawStreamEvent => ({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} } });
const json = (index: number, partial: string): RawStreamEvent => ({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
const end = (reason: string, output = 20): RawStreamEvent[] => [{ type: 'message_delta', delta: { stop_reason: reason }, usage: { output_tokens: output } }, { type: 'message_stop' }];

async function run(transport: ScriptedTransport, body: MessagesBody, models = [OPUS, HAIKU]): Promise<{ outcome: Outcome; parts: StreamPart[]; events: ManagerEvent[] }> {
  const base = defaultManagerConfig();
  const config: ManagerConfig = { ...base, models, providers: [{ id: 'anthropic', apiKey: () => 'k' }], retry: { ...base.retry, baseDelayMs: 1, maxDelayMs: 2 } };
  const events: ManagerEvent[] = [];
  const routes = new RouteState(config.breaker, config.budget, { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, (e) => events.push(e), 600_000, 60_000);
  const parts: StreamPart[] = [];
  const outcome = await runRequest(
    { config, clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }, random: () => 0, routes, limiter: new ConcurrencyLimiter(4), clients: transport.clients(), emit: (e) => events.push(e) },
    body,
    { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_m', ...partsCaller(parts) },
  );
  return { outcome, parts, events };
}

const TOOLS: MessagesBody = {
  max_tokens: 512,
  tools: [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  messages: [{ role: 'user', content: 'Weather in Paris?' }],
};

test('a break inside a tool_use block: the half call is dropped, the answer continues from the text, the caller gets exactly one complete call', async () => {
  const transport = new ScriptedTransport([
    sdkError(529, 'overloaded_error'),
    { events: [start(), ...text(0, 'Let me check. '), stop(0), toolStart(1), json(1, '{"ci'), json(1, 'ty": "Pa')], breakWith: 'overloaded_error' },
    { events: [start(), toolStart(0), json(0, '{"city"'), json(0, ': "Paris"}'), stop(0), ...end('tool_use')] },
  ]);
  const { outcome, parts } = await run(transport, TOOLS);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  const calls = parts.filter((p) => p.type === 'tool_use');
  assert.deepEqual(calls, [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }]);
  assert.equal(parts.filter((p) => p.type === 'text').map((p) => (p.type === 'text' ? p.text : '')).join(''), 'Let me check. ');
  assert.equal(outcome.message.stop_reason, 'tool_use');
  assert.deepEqual(outcome.message.content.map((b) => b.type), ['text', 'tool_use']);
  // The continuation was sent with the delivered text as an assistant prefill, trailing space trimmed.
  const last = transport.calls[2]!.messages.at(-1);
  assert.deepEqual(last, { role: 'assistant', content: 'Let me check.' });
  assert.equal(transport.calls[2]!.tools?.length, 1, 'tools go with every attempt');
});

test('a break after a complete tool call ends the answer at that call instead of risking a second set of calls', async () => {
  const transport = new ScriptedTransport([
    { events: [start(), toolStart(0), json(0, '{"city": "Oslo"}'), stop(0), toolStart(1), json(1, '{"ci')], breakWith: 'overloaded_error' },
  ]);
  const { outcome, parts } = await run(transport, TOOLS);
  assert.ok(outcome.ok);
  assert.equal(parts.filter((p) => p.type === 'tool_use').length, 1);
  assert.equal(outcome.message.stop_reason, 'tool_use');
  assert.equal(transport.calls.length, 1);
  assert.ok(outcome.adaptations.some((a) => /tool call/.test(a)));
});

test('thinking streams as parts; a break continues with thinking off and the text as prefill; only signed thinking is kept', async () => {
  const thinkingBody: MessagesBody = { ...TOOLS, tools: undefined, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } };
  const transport = new ScriptedTransport([
    {
      events: [
        start(),
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Paris is in France.' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig123' } },
        stop(0),
        ...text(1, 'It is sunny'),
      ],
      breakWith: 'overloaded_error',
    },
    { events: [start(), ...text(0, ' in Paris.'), stop(0), ...end('end_turn')] },
  ]);
  const { outcome, parts } = await run(transport, thinkingBody);
  assert.ok(outcome.ok);
  assert.deepEqual(parts.map((p) => p.type), ['thinking', 'text', 'text']);
  assert.equal(outcome.text, 'It is sunny in Paris.');
  assert.deepEqual(outcome.message.content.map((b) => b.type), ['thinking', 'text']);
  assert.equal(transport.calls[0]!.thinking?.type, 'enabled');
  assert.equal(transport.calls[1]!.thinking, undefined, 'a continuation runs with thinking off');
  assert.ok(outcome.adaptations.some((a) => /thinking turned off/.test(a)));
});

test('a model that refuses thinking (400) is retried at once without it, and says so', async () => {
  const thinkingBody: MessagesBody = { ...TOOLS, tools: undefined, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 2048 } };
  const refusal = sdkError(400, 'invalid_request_error');
  (refusal as { error: Record<string, unknown> }).error['error'] = { type: 'error', error: { type: 'invalid_request_error', message: 'thinking is not supported on this model' } };
  const transport = new ScriptedTransport([refusal, { events: [start(), ...text(0, 'Sunny.'), stop(0), ...end('end_turn')] }]);
  const { outcome, events } = await run(transport, thinkingBody, [HAIKU]);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  assert.equal(transport.calls.length, 2);
  assert.equal(transport.calls[1]!.thinking, undefined);
  assert.ok(outcome.adaptations.some((a) => /extended thinking dropped/.test(a)));
  assert.ok(events.some((e) => e.type === 'warning' && e.code === 'adapted'));
});

test('usage carries cache read and creation tokens into the outcome and the assembled message', async () => {
  const transport = new ScriptedTransport([
    { events: [start({ input_tokens: 12, output_tokens: 1, cache_read_input_tokens: 900, cache_creation_input_tokens: 40 }), ...text(0, 'ok'), stop(0), ...end('end_turn', 7)] },
  ]);
  const { outcome } = await run(transport, { max_tokens: 64, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.usage, { inputTokens: 12, outputTokens: 7, cacheReadInputTokens: 900, cacheCreationInputTokens: 40 });
  assert.equal(outcome.message.usage.cache_read_input_tokens, 900);
  assert.deepEqual(transport.calls[0]!.system, [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }]);
});

test('an image block reaches the API verbatim', async () => {
  const image = { type: 'image' as const, source: { type: 'base64' as const, media_type: 'image/png' as const, data: 'iVBORw0KGgo=' } };
  const transport = new ScriptedTransport([{ events: [start(), ...text(0, 'A pixel.'), stop(0), ...end('end_turn')] }]);
  const { outcome } = await run(transport, { max_tokens: 64, messages: [{ role: 'user', content: [image, { type: 'text', text: 'What is this?' }] }] });
  assert.ok(outcome.ok);
  assert.deepEqual(transport.calls[0]!.messages[0], { role: 'user', content: [image, { type: 'text', text: 'What is this?' }] });
});
