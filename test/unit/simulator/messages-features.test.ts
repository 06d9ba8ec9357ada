import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDeltas, planAnswer } from '../../../src/simulator/answer-plan';
import type { PromptSegment } from '../../../src/simulator/content-blocks';
import { parseMessageRequest } from '../../../src/simulator/message-request';
import type { MessageRequest } from '../../../src/simulator/message-request';
import { PromptCache } from '../../../src/simulator/prompt-cache';
import { signThinking, signatureMatches } from '../../../src/simulator/thinking-signature';
import { exampleFor } from '../../../src/simulator/tool-calls';

function request(body: Record<string, unknown>): MessageRequest {
  const parsed = parseMessageRequest({ model: 'claude-opus-5-5', max_tokens: 4096, ...body });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
  return parsed.value;
}

const BEHAVIOR = { outputTokens: 12, useTools: false, thinkingTokens: 16 };
const TOOL = { name: 'search', input_schema: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer', minimum: 3 } } } };

describe('answer plan', { timeout: 10_000 }, () => {
  it('useTools calls the first tool with an input built from its schema', () => {
    const plan = planAnswer(request({ tools: [TOOL], messages: [{ role: 'user', content: 'find it' }] }), { ...BEHAVIOR, useTools: true });
    assert.deepEqual(plan.blocks.map((b) => b.type), ['text', 'tool_use']);
    assert.equal(plan.stopReason, 'tool_use');
    const use = plan.blocks[1]!;
    assert.ok(use.type === 'tool_use');
    assert.deepEqual(use.input, { q: 'example', n: 3 });
    assert.equal(use.deltas.join(''), JSON.stringify(use.input));
  });

  it('without useTools or a marker, tools alone do not make the model call one', () => {
    const plan = planAnswer(request({ tools: [TOOL], messages: [{ role: 'user', content: 'find it' }] }), BEHAVIOR);
    assert.deepEqual(plan.blocks.map((b) => b.type), ['text']);
    assert.equal(plan.stopReason, 'end_turn');
  });

  it('a marker with JSON that is not an object falls back to the schema example', () => {
    const plan = planAnswer(request({ tools: [TOOL], messages: [{ role: 'user', content: 'x [[tool:search {not json}]] [[tool:nope]]' }] }), BEHAVIOR);
    assert.deepEqual(plan.blocks.map((b) => b.type), ['text', 'tool_use']);
  });

  it('max_tokens below the answer truncates the text and drops nothing else silently', () => {
    const plan = planAnswer(request({ max_tokens: 3, messages: [{ role: 'user', content: 'q' }] }), BEHAVIOR);
    assert.equal(plan.stopReason, 'max_tokens');
    assert.equal(plan.blocks[0]!.deltas.length, 3);
  });

  it('omitted thinking display: a signed thinking block with no text', () => {
    const plan = planAnswer(request({ thinking: { type: 'enabled', budget_tokens: 1024, display: 'omitted' }, messages: [{ role: 'user', content: 'q' }] }), BEHAVIOR);
    const block = plan.blocks[0]!;
    assert.ok(block.type === 'thinking');
    assert.equal(block.thinking, '');
    assert.deepEqual(block.deltas, []);
    assert.ok(signatureMatches('', block.signature));
  });

  it('splits tool input JSON into at least three chunks when it can', () => {
    assert.deepEqual(jsonDeltas('{}'), ['{', '}']);
    assert.equal(jsonDeltas('{"city":"Paris"}').length, 3);
    assert.ok(jsonDeltas(JSON.stringify({ text: 'x'.repeat(100) })).every((c) => c.length <= 8));
  });

  it('schema examples: default, enum, const, examples, nested objects and arrays', () => {
    assert.deepEqual(
      exampleFor({
        type: 'object',
        properties: {
          a: { type: 'string', default: 'd' },
          b: { enum: ['x', 'y'] },
          c: { const: 7 },
          d: { type: 'string', examples: ['e'] },
          e: { type: 'array', items: { type: 'boolean' } },
          f: { type: 'object', properties: { g: { type: 'null' } } },
        },
      }),
      { a: 'd', b: 'x', c: 7, d: 'e', e: [true], f: { g: null } },
    );
  });
});

describe('request validation details', { timeout: 10_000 }, () => {
  it('tool_result blocks must come first in their message', () => {
    const parsed = parseMessageRequest({
      model: 'm',
      max_tokens: 10,
      tools: [TOOL],
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'search', input: {} }] },
        { role: 'user', content: [{ type: 'text', text: 'here' }, { type: 'tool_result', tool_use_id: 'toolu_1', content: 'r' }] },
      ],
    });
    assert.ok(!parsed.ok);
    assert.match(parsed.message, /tool_result blocks must come first/);
  });

  it('empty content is refused except for a final assistant message', () => {
    const empty = parseMessageRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [] }] });
    assert.ok(!empty.ok);
    assert.match(empty.message, /non-empty content/);
    assert.ok(parseMessageRequest({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '' }] }).ok);
  });

  it('string content and its one text block are the same prefix for the cache', () => {
    const asString = request({ messages: [{ role: 'user', content: 'same' }] }).segments[0]!.material;
    const asBlock = request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'same', cache_control: { type: 'ephemeral' } }] }] }).segments[0]!.material;
    assert.equal(asString, asBlock);
  });

  it('top-level cache_control puts a breakpoint on the last block', () => {
    const parsed = request({ cache_control: { type: 'ephemeral' }, messages: [{ role: 'user', content: 'q' }] });
    assert.equal(parsed.segments[parsed.segments.length - 1]!.cache, '5m');
  });
});

describe('prompt cache', { timeout: 10_000 }, () => {
  const segments = (cache: PromptSegment['cache']): PromptSegment[] => [
    { material: 'system', chars: 8000, fixedTokens: 0, cache },
    { material: 'question', chars: 40, fixedTokens: 0, cache: undefined },
  ];

  it('creates, reads, and expires after the TTL (each read renews it)', () => {
    const cache = new PromptCache();
    const t0 = 1_000_000;
    assert.deepEqual(cache.use('m', segments('5m'), 2010, 1024, t0), { read: 0, creation5m: 2000, creation1h: 0, uncached: 10 });
    assert.deepEqual(cache.use('m', segments('5m'), 2010, 1024, t0 + 4 * 60_000), { read: 2000, creation5m: 0, creation1h: 0, uncached: 10 });
    assert.equal(cache.use('m', segments('5m'), 2010, 1024, t0 + 8 * 60_000).read, 2000);
    assert.equal(cache.use('m', segments('5m'), 2010, 1024, t0 + 14 * 60_000).read, 0);
  });

  it('is kept per model and cleared by clear()', () => {
    const cache = new PromptCache();
    cache.use('a', segments('1h'), 2010, 1024, 0);
    assert.equal(cache.use('b', segments('1h'), 2010, 1024, 1).read, 0);
    cache.clear();
    assert.equal(cache.use('a', segments('1h'), 2010, 1024, 2).read, 0);
  });
});

describe('thinking signatures', { timeout: 10_000 }, () => {
  it('match only the signed thinking', () => {
    const signature = signThinking('I thought.');
    assert.ok(signatureMatches('I thought.', signature));
    assert.ok(!signatureMatches('I thought!', signature));
    assert.ok(!signatureMatches('I thought.', 'bm90IGEgc2lnbmF0dXJl'));
  });
});
