// Extended thinking through the official SDKs: a thinking block (thinking_delta
// chunks, then signature_delta) before the text; the API's budget rules; a
// model without thinking answers 400; thinking blocks sent back must keep
// their signature, and a continued turn must start with one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer } from '../../../src/simulator/index';
import { useSimulator, badRequest, providerClients, textOf } from './clients';

const QUESTION = 'Think hard: why do breakers open?';
const THINKING = { type: 'enabled', budget_tokens: 2048 } as const;

describe('extended thinking', { timeout: 60_000 }, () => {
  const fx = useSimulator('healthy');

  it('streams a thinking block (several thinking_delta, one signature_delta) before the text', async () => {
    const stream = fx.client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: THINKING, messages: [{ role: 'user', content: QUESTION }] });
    const thinking: string[] = [];
    const signatures: string[] = [];
    const order: string[] = [];
    stream.on('thinking', (delta) => {
      thinking.push(delta);
      order.push('thinking');
    });
    stream.on('signature', (signature) => signatures.push(signature));
    stream.on('text', () => order.push('text'));
    const message = await stream.finalMessage();
    assert.deepEqual(message.content.map((b) => b.type), ['thinking', 'text']);
    const block = message.content[0] as Anthropic.ThinkingBlock;
    assert.ok(thinking.length >= 2);
    assert.equal(thinking.join(''), block.thinking);
    assert.equal(signatures.length, 1);
    assert.equal(block.signature, signatures[0]);
    assert.equal(order.indexOf('text'), thinking.length);
    assert.equal(textOf(message), canonicalAnswer(QUESTION));
    assert.equal(message.usage.output_tokens_details?.thinking_tokens, 16);
  });

  it('follows the API budget rules', async () => {
    const low = await badRequest(
      fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1000 }, messages: [{ role: 'user', content: 'x' }] }),
    );
    assert.match(low.message, /budget_tokens: Input should be greater than or equal to 1024/);
    const over = await badRequest(fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 2048, thinking: THINKING, messages: [{ role: 'user', content: 'x' }] }));
    assert.match(over.message, /`max_tokens` must be greater than `thinking.budget_tokens`/);
    const forced = await badRequest(
      fx.client.messages.create({
        model: 'claude-opus-5-5',
        max_tokens: 4096,
        thinking: THINKING,
        tools: [{ name: 't', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'x' }],
      }),
    );
    assert.match(forced.message, /Thinking may not be enabled when tool_choice forces tool use/);
    const hot = await badRequest(fx.client.messages.create({
        model: 'claude-opus-5-5',
        max_tokens: 4096,
        thinking: THINKING,
        messages: [{ role: 'user', content: 'x' }],
        ...{ temperature: 0.2 }, // not in this SDK's types; older clients still send it
      }));
    assert.match(hot.message, /`temperature` may only be set to 1 when thinking is enabled/);
  });

  it('claude-haiku-5-5 does not support thinking: 400 invalid_request_error, and the Models API says so', async () => {
    const err = await badRequest(fx.client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 4096, thinking: THINKING, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.error && (err.error as { error?: { message?: string } }).error?.message, 'thinking is not supported on this model');
    const ok = await fx.client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 4096, thinking: { type: 'disabled' }, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(ok.stop_reason, 'end_turn');
    const haiku = await fx.client.models.retrieve('claude-haiku-5-5');
    assert.equal(haiku.capabilities?.thinking.supported, false);
    assert.equal((await fx.client.models.retrieve('claude-opus-5-5')).capabilities?.thinking.supported, true);
  });

  it("max_tokens above a catalogue model's output limit is a 400, as the API answers it", async () => {
    const err = await badRequest(fx.client.messages.stream({ model: 'claude-opus-4-6', max_tokens: 100_000, messages: [{ role: 'user', content: 'x' }] }).finalMessage());
    assert.match(err.message, /"max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-opus-4-6"/);
    const ok = await fx.client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 100_000, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
    assert.equal(ok.stop_reason, 'end_turn');
  });

  it('thinking blocks sent back keep their signature; a continued turn must start with one', async () => {
    const tool: Anthropic.Tool = { name: 'lookup', input_schema: { type: 'object', properties: { q: { type: 'string' } } } };
    const question = 'Look it up [[tool:lookup]]';
    const first = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: THINKING, tools: [tool], messages: [{ role: 'user', content: question }] });
    assert.deepEqual(first.content.map((b) => b.type), ['thinking', 'text', 'tool_use']);
    const use = first.content[2] as Anthropic.ToolUseBlock;
    const turn = (content: Anthropic.ContentBlockParam[]): Anthropic.MessageParam[] => [
      { role: 'user', content: question },
      { role: 'assistant', content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '42' }] },
    ];
    const answer = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: THINKING, tools: [tool], messages: turn(first.content as Anthropic.ContentBlockParam[]) });
    assert.equal(answer.content[0]?.type, 'thinking');
    assert.match(textOf(answer), /^The lookup tool returned "42"\./);

    const thinking = first.content[0] as Anthropic.ThinkingBlock;
    const tampered = await badRequest(
      fx.client.messages.create({
        model: 'claude-opus-5-5',
        max_tokens: 4096,
        thinking: THINKING,
        tools: [tool],
        messages: turn([{ ...thinking, thinking: `${thinking.thinking} edited` }, ...(first.content.slice(1) as Anthropic.ContentBlockParam[])]),
      }),
    );
    assert.match(tampered.message, /Invalid `signature` in `thinking` block/);
    const dropped = await badRequest(
      fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: THINKING, tools: [tool], messages: turn(first.content.slice(1) as Anthropic.ContentBlockParam[]) }),
    );
    assert.match(dropped.message, /Expected `thinking` or `redacted_thinking`, but found `text`/);
    // With thinking off (a fallback that dropped it), the same history is accepted.
    const withoutThinking = await fx.client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 4096, tools: [tool], messages: turn(first.content as Anthropic.ContentBlockParam[]) });
    assert.deepEqual(withoutThinking.content.map((b) => b.type), ['text']);
  });

  it('a prefill continues after a complete thinking block without thinking again', async () => {
    const first = await fx.client.messages.create({ model: 'claude-opus-5-5', max_tokens: 4096, thinking: THINKING, messages: [{ role: 'user', content: QUESTION }] });
    const full = canonicalAnswer(QUESTION);
    const partial = full.slice(0, full.indexOf(' ', 12));
    const rest = await fx.client.messages.create({
      model: 'claude-sonnet-5-5',
      max_tokens: 4096,
      thinking: THINKING,
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: [first.content[0] as Anthropic.ThinkingBlockParam, { type: 'text', text: partial }] },
      ],
    });
    assert.deepEqual(rest.content.map((b) => b.type), ['text']);
    assert.equal(partial + textOf(rest), full);
  });
});

describe('thinking on every wire format, and cut mid-thought', { timeout: 60_000 }, () => {
  const fx = useSimulator({ models: { 'claude-sonnet-5-5': { sequence: ['midstream'], midStreamBlock: 'thinking', midStreamAfterTokens: 1 } } });

  it('Anthropic, Vertex and Bedrock stream thinking then text; a thinking-block cut ends before the signature', async () => {
    for (const provider of providerClients(fx.sim)) {
      fx.sim.reset();
      const message = await provider.messages
        .stream({ model: provider.model('claude-opus-5-5'), max_tokens: 4096, thinking: THINKING, messages: [{ role: 'user', content: QUESTION }] })
        .finalMessage();
      assert.deepEqual(message.content.map((b) => b.type), ['thinking', 'text'], provider.name);
      assert.ok((message.content[0] as Anthropic.ThinkingBlock).signature.length > 0, provider.name);

      const broken = provider.messages.stream({ model: provider.model('claude-sonnet-5-5'), max_tokens: 4096, thinking: THINKING, messages: [{ role: 'user', content: QUESTION }] });
      let deltas = 0;
      let signatures = 0;
      broken.on('thinking', () => deltas++);
      broken.on('signature', () => signatures++);
      const err = await broken.finalMessage().catch((e: unknown) => e);
      assert.ok(err instanceof Anthropic.APIError && err.type === 'overloaded_error', provider.name);
      assert.equal(deltas, 1, provider.name);
      assert.equal(signatures, 0, provider.name);
    }
  });
});
