// Tool use through the official SDKs: a marker or tool_choice makes the model
// call a tool (text, then tool_use streamed as input_json_delta chunks,
// stop_reason tool_use); the tool_result turn is answered with text naming the
// result; pairing mistakes get the API's 400; a mid-stream error can cut a
// tool_use block half-way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { BadRequestError } from '@anthropic-ai/sdk';
import { canonicalAnswer, toolResultSentence } from '../../../src/simulator/index';
import { useSimulator, badRequest, providerClients, textOf, toolUses } from './clients';

const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
};
const TIME: Anthropic.Tool = { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string', default: 'UTC' } } } };
const QUESTION = 'What is the weather in Paris? [[tool:get_weather {"city":"Paris","unit":"celsius"}]]';

describe('tool use', { timeout: 60_000 }, () => {
  const fx = useSimulator('healthy');

  it('a [[tool:NAME {json}]] marker: text, then one tool_use streamed over several input_json_delta chunks', async () => {
    const stream = fx.client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 512, tools: [WEATHER, TIME], messages: [{ role: 'user', content: QUESTION }] });
    const chunks: string[] = [];
    stream.on('inputJson', (partial) => chunks.push(partial));
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.content.map((b) => b.type), ['text', 'tool_use']);
    assert.equal(textOf(message), 'I will use the get_weather tool.');
    const [use] = toolUses(message);
    assert.match(use!.id, /^toolu_/);
    assert.equal(use!.name, 'get_weather');
    assert.deepEqual(use!.input, { city: 'Paris', unit: 'celsius' });
    assert.ok(chunks.length >= 3, `expected several input_json_delta chunks, got ${chunks.length}`);
    assert.equal(chunks.join(''), JSON.stringify({ city: 'Paris', unit: 'celsius' }));
  });

  it('the tool_result turn is answered with text that quotes the result', async () => {
    const first = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, tools: [WEATHER], messages: [{ role: 'user', content: QUESTION }] });
    const [use] = toolUses(first);
    const messages: Anthropic.MessageParam[] = [
      { role: 'user', content: QUESTION },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'Sunny, 21 C' }] },
    ];
    const answer = await fx.client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 512, tools: [WEATHER], messages }).finalMessage();
    assert.equal(answer.stop_reason, 'end_turn');
    assert.equal(textOf(answer), `${toolResultSentence({ name: 'get_weather', text: 'Sunny, 21 C', isError: false })} ${canonicalAnswer('Sunny, 21 C')}`);
    assert.match(textOf(answer), /^The get_weather tool returned "Sunny, 21 C"\./);
  });

  it('two markers make two tool calls, unless disable_parallel_tool_use', async () => {
    const content = 'Both please [[tool:get_weather {"city":"Oslo"}]] [[tool:get_time]]';
    const both = await fx.client.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 512, tools: [WEATHER, TIME], messages: [{ role: 'user', content }] });
    assert.deepEqual(toolUses(both).map((u) => [u.name, u.input]), [['get_weather', { city: 'Oslo' }], ['get_time', { zone: 'UTC' }]]);
    assert.equal(textOf(both), 'I will use the get_weather and get_time tools.');
    const one = await fx.client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 512,
      tools: [WEATHER, TIME],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content }],
    });
    assert.deepEqual(toolUses(one).map((u) => u.name), ['get_weather']);
  });

  it('tool_choice {type:"tool"} forces that tool with no text first; the input follows the schema', async () => {
    const message = await fx.client.messages.create({
      model: 'claude-opus-5-5',
      max_tokens: 512,
      tools: [WEATHER, TIME],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Anything.' }],
    });
    assert.deepEqual(message.content.map((b) => b.type), ['tool_use']);
    assert.deepEqual(toolUses(message)[0]!.input, { city: 'example', unit: 'celsius' });
    const any = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, tools: [TIME], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(toolUses(any)[0]?.name, 'get_time');
  });

  it('without tools, or with tool_choice none, a marker is plain text', async () => {
    const plain = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, messages: [{ role: 'user', content: QUESTION }] });
    assert.equal(textOf(plain), canonicalAnswer(QUESTION));
    const none = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, tools: [WEATHER], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: QUESTION }] });
    assert.equal(none.stop_reason, 'end_turn');
  });

  const pairing = (turn: Anthropic.MessageParam[]): Promise<BadRequestError> =>
    badRequest(fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 512, tools: [WEATHER], messages: [{ role: 'user', content: 'Weather?' }, ...turn] }));

  it('a tool_result that answers no tool_use of the previous turn is a 400, as with the API', async () => {
    const err = await pairing([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_sim_a', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_sim_a', content: 'ok' }, { type: 'tool_result', tool_use_id: 'toolu_sim_other', content: 'x' }] },
    ]);
    assert.equal(err.type, 'invalid_request_error');
    assert.match(err.message, /unexpected `tool_use_id` found in `tool_result` blocks: toolu_sim_other/);
  });

  it('a tool_use left without its tool_result in the next turn is a 400', async () => {
    const err = await pairing([
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_sim_b', name: 'get_weather', input: {} }] },
      { role: 'user', content: 'Never mind.' },
    ]);
    assert.match(err.message, /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_sim_b/);
  });

  it('bad tools and tool_choice are 400s', async () => {
    const noSchema = await badRequest(
      fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 64, tools: [{ name: 'x' } as unknown as Anthropic.Tool], messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.match(noSchema.message, /tools\.0\.custom\.input_schema: Field required/);
    const forcedWithoutTools = await badRequest(
      fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 64, tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.match(forcedWithoutTools.message, /tool_choice may only be specified while providing tools/);
  });
});

describe('tool use on every wire format', { timeout: 60_000 }, () => {
  const fx = useSimulator('healthy');

  it('Anthropic, Vertex and Bedrock stream the same tool call and answer its result', async () => {
    for (const provider of providerClients(fx.sim)) {
      const model = provider.model('claude-sonnet-5-5');
      const first = await provider.messages.stream({ model, max_tokens: 512, tools: [WEATHER], messages: [{ role: 'user', content: QUESTION }] }).finalMessage();
      const [use] = toolUses(first);
      assert.deepEqual(use?.input, { city: 'Paris', unit: 'celsius' }, provider.name);
      const second = await provider.messages.create({
        model,
        max_tokens: 512,
        tools: [WEATHER],
        messages: [
          { role: 'user', content: QUESTION },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: [{ type: 'text', text: 'Rain' }] }] },
        ],
      });
      assert.match(textOf(second), /^The get_weather tool returned "Rain"\./, provider.name);
    }
  });
});

describe('a mid-stream error inside a tool_use block', { timeout: 60_000 }, () => {
  const fx = useSimulator({ defaults: { sequence: ['529', 'midstream'], midStreamBlock: 'tool_use', midStreamAfterTokens: 2 } });

  it('a 529, then a stream cut after two input_json_delta chunks, then the complete call', async () => {
    for (const provider of providerClients(fx.sim)) {
      fx.sim.reset();
      const model = provider.model('claude-opus-5-5');
      const body = { model, max_tokens: 512, tools: [WEATHER], messages: [{ role: 'user' as const, content: QUESTION }] };
      const overloaded = await provider.messages.create(body).catch((e: unknown) => e);
      assert.ok(overloaded instanceof Anthropic.APIError && overloaded.status !== undefined && overloaded.status >= 500, provider.name);

      const broken = provider.messages.stream(body);
      const chunks: string[] = [];
      let text = '';
      broken.on('inputJson', (partial) => chunks.push(partial));
      broken.on('text', (delta) => (text += delta));
      const err = await broken.finalMessage().catch((e: unknown) => e);
      assert.ok(err instanceof Anthropic.APIError, provider.name);
      assert.equal(err.status, undefined, provider.name);
      assert.equal(err.type, 'overloaded_error', provider.name);
      assert.equal(text, 'I will use the get_weather tool.', provider.name);
      assert.equal(chunks.length, 2, provider.name);
      assert.throws(() => JSON.parse(chunks.join('')), SyntaxError);

      const complete = await provider.messages.stream(body).finalMessage();
      assert.equal(toolUses(complete).length, 1, provider.name);
      assert.deepEqual(toolUses(complete)[0]!.input, { city: 'Paris', unit: 'celsius' }, provider.name);
    }
  });
});
