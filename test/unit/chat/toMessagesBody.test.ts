// VS Code language model messages → Messages API body: roles, tool calls and results with their
// ids, images and other data parts, system messages, tools and tool mode, model options.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toMessagesBody } from '../../../src/extension/chat/toMessagesBody';
import type { RequestMessageShape } from '../../../src/extension/chat/partShapes';

const TARGET = { defaultMaxTokens: 4096, maxOutputTokens: 64_000 };
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });
const data = (bytes: number[] | string, mimeType: string) => ({
  data: typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes),
  mimeType,
});
const user = (...content: unknown[]): RequestMessageShape => ({ role: 1, content, name: undefined });
const assistant = (...content: unknown[]): RequestMessageShape => ({ role: 2, content, name: undefined });
const system = (...content: unknown[]): RequestMessageShape => ({ role: 3, content, name: undefined });

test('a tool round trip keeps the API ids, puts tool_result first, and maps tools and the required mode', () => {
  const { body, omitted } = toMessagesBody(
    [
      system(text('You are terse.')),
      user(text('What is the weather in Paris?')),
      assistant(text('Let me check.'), call('toolu_01A', 'get_weather', { city: 'Paris' })),
      user(text('and be quick'), result('toolu_01A', [text('18 °C, clear')])),
    ],
    {
      tools: [
        { name: 'get_weather', description: 'Weather by city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
        { name: 'no_schema', description: 'Takes nothing' },
      ],
      toolMode: 2,
    },
    TARGET,
  );
  assert.deepEqual(omitted, []);
  assert.deepEqual(body.system, [{ type: 'text', text: 'You are terse.' }]);
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_01A', name: 'get_weather', input: { city: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: '18 °C, clear' }] },
        { type: 'text', text: 'and be quick' },
      ],
    },
  ]);
  assert.deepEqual(body.tools, [
    { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    { name: 'no_schema', description: 'Takes nothing', input_schema: { type: 'object', properties: {} } },
  ]);
  assert.deepEqual(body.tool_choice, { type: 'any' });
  assert.equal(body.max_tokens, 4096);
});

test('a call id the API would refuse is mapped the same way in tool_use and tool_result', () => {
  const { body } = toMessagesBody(
    [user(text('go')), assistant(call('call:1/a', 'run', {}), call('call_1_a', 'run', {})), user(result('call:1/a', [text('one')]), result('call_1_a', [text('two')]))],
    { toolMode: 1, tools: [{ name: 'run', description: 'd' }] },
    TARGET,
  );
  const uses = body.messages[1]!.content as Array<{ id: string }>;
  const results = body.messages[2]!.content as Array<{ tool_use_id: string }>;
  assert.deepEqual(uses.map((u) => u.id), ['call_1_a', 'call_1_a_1']);
  assert.deepEqual(results.map((r) => r.tool_use_id), ['call_1_a', 'call_1_a_1']);
  assert.equal(body.tool_choice, undefined, 'auto mode leaves the choice to the model');
  for (const id of uses.map((u) => u.id)) assert.match(id, /^[a-zA-Z0-9_-]+$/);
});

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16];
const WEBP = [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')];
const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

test('images become base64 image blocks typed by their bytes, PDFs documents, text data text; the rest is named, markers ignored', () => {
  const { body, omitted } = toMessagesBody(
    [
      user(
        text('Describe these'),
        data(PNG, 'image/png'),
        data(JPEG, 'image/jpg'),
        data(PNG, 'image/jpeg'),
        data([1, 2, 3, 4, 5, 6, 7, 8], 'image/png'),
        data('%PDF-1.7', 'application/pdf'),
        data('{"a":1}', 'application/json'),
        data([1, 2], 'application/zip'),
        data('x', 'stateful_marker'),
      ),
    ],
    {},
    TARGET,
  );
  assert.deepEqual(body.messages[0]!.content, [
    { type: 'text', text: 'Describe these' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(PNG) } },
    { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: b64(JPEG) } },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: b64(PNG) } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: Buffer.from('%PDF-1.7').toString('base64') } },
    { type: 'text', text: '{"a":1}' },
  ]);
  assert.equal(omitted.length, 2);
  assert.match(omitted[0]!, /not PNG, JPEG, GIF or WebP/);
  assert.match(omitted[1]!, /application\/zip/);
});

test('an image in a tool result stays inside the tool_result', () => {
  const { body } = toMessagesBody(
    [user(text('shot')), assistant(call('toolu_9', 'screenshot', {})), user(result('toolu_9', [text('here'), data(WEBP, 'image/webp')]))],
    {},
    TARGET,
  );
  assert.deepEqual(body.messages[2]!.content, [
    {
      type: 'tool_result',
      tool_use_id: 'toolu_9',
      content: [
        { type: 'text', text: 'here' },
        { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: b64(WEBP) } },
      ],
    },
  ]);
});

test('consecutive turns of one role merge; empty text is dropped; a prefill loses trailing whitespace', () => {
  const { body } = toMessagesBody([user(text('a')), user(text(''), text('b')), assistant(text('Sure:  \n'))], {}, TARGET);
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'Sure:' }] },
  ]);
});

test('a tool_result without its tool_use becomes text; a tool_use without a result gets an error result', () => {
  const { body } = toMessagesBody(
    [user(result('gone', [text('old output')]), text('next')), assistant(call('toolu_2', 'ls', { dir: '.' })), user(text('never mind'))],
    {},
    TARGET,
  );
  assert.deepEqual(body.messages[0]!.content, [
    { type: 'text', text: 'Tool result: old output' },
    { type: 'text', text: 'next' },
  ]);
  assert.deepEqual(body.messages[2]!.content, [
    { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: 'No result was provided for this tool call.' },
    { type: 'text', text: 'never mind' },
  ]);
});

test('a cache_control data part marks the block before it as a cache breakpoint', () => {
  const { body } = toMessagesBody(
    [system(text('long rules'), data('ephemeral', 'cache_control')), user(text('q'), data('ephemeral', 'cache_control'))],
    {},
    TARGET,
  );
  assert.deepEqual(body.system, [{ type: 'text', text: 'long rules', cache_control: { type: 'ephemeral' } }]);
  assert.deepEqual(body.messages[0]!.content, [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }]);
});

test('model options: max_tokens is capped by the model, sampling options pass, junk is ignored', () => {
  const { body } = toMessagesBody(
    [user(text('hi'))],
    { modelOptions: { max_tokens: 1_000_000, temperature: 0.2, top_k: 5, stop_sequences: ['END'], top_p: 'high', anything: 1 } },
    TARGET,
  );
  assert.equal(body.max_tokens, 64_000);
  assert.equal(body.temperature, 0.2);
  assert.equal(body.top_k, 5);
  assert.equal(body.top_p, undefined);
  assert.deepEqual(body.stop_sequences, ['END']);
  assert.equal(Object.hasOwn(body, 'anything'), false);
});

test('a single required tool is named in tool_choice; a prompt-tsx value is sent as JSON text', () => {
  const { body } = toMessagesBody([user({ value: { node: 'p', text: 'hi' } })], { tools: [{ name: 'only', description: 'd' }], toolMode: 2 }, TARGET);
  assert.deepEqual(body.tool_choice, { type: 'tool', name: 'only' });
  assert.deepEqual(body.messages[0]!.content, [{ type: 'text', text: '{"node":"p","text":"hi"}' }]);
});
