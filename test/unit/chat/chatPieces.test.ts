// The provider's and participant's pure pieces: response parts and usage, token counts and
// their calibration, the model list, narration lines, failure text with request ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toResponsePart, usagePart, TOKEN_USAGE_MIME } from '../../../src/extension/chat/toResponseParts';
import type { ResponsePartFactory } from '../../../src/extension/chat/toResponseParts';
import { DEFAULT_CHARS_PER_TOKEN, IMAGE_TOKENS, TokenCounter, weighBody, weighMessage } from '../../../src/extension/chat/tokenCounter';
import { chatModelInformation } from '../../../src/extension/chat/modelInformation';
import { Narrator } from '../../../src/extension/chat/narration';
import { modelFamilyName, shortModelName } from '../../../src/shared/modelNames';
import { chatFailure } from '../../../src/extension/chat/failureText';
import { formatMessage } from '../../../src/extension/translate';

type Made = { kind: 'text'; value: string } | { kind: 'call'; id: string; name: string; input: object } | { kind: 'data'; bytes: Uint8Array; mime: string };
const make: ResponsePartFactory<Made> = {
  text: (value) => ({ kind: 'text', value }),
  toolCall: (id, name, input) => ({ kind: 'call', id, name, input }),
  data: (bytes, mime) => ({ kind: 'data', bytes, mime }),
};

test('stream parts: text and one complete tool call pass; thinking and empty text do not', () => {
  assert.deepEqual(toResponsePart({ type: 'text', text: 'Hi' }, make), { kind: 'text', value: 'Hi' });
  assert.equal(toResponsePart({ type: 'text', text: '' }, make), null);
  assert.equal(toResponsePart({ type: 'thinking', thinking: 'hmm' }, make), null);
  assert.deepEqual(toResponsePart({ type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } }, make), {
    kind: 'call',
    id: 'toolu_1',
    name: 'ls',
    input: { dir: '.' },
  });
});

test('usage is reported as a token_usage data part with cached tokens counted in the prompt', () => {
  const part = usagePart({ input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 5 }, 'claude-opus-5-5', make);
  assert.equal(part.kind, 'data');
  if (part.kind !== 'data') return;
  assert.equal(part.mime, TOKEN_USAGE_MIME);
  const report = JSON.parse(new TextDecoder().decode(part.bytes));
  assert.deepEqual(report, {
    prompt_tokens: 115,
    completion_tokens: 7,
    total_tokens: 122,
    prompt_tokens_details: { cached_tokens: 100, cache_creation_input_tokens: 5 },
    model: 'claude-opus-5-5',
  });
});

test('token counts are local, grow with text and images, and calibrate toward reported usage', () => {
  const counter = new TokenCounter();
  const prose = 'word '.repeat(700); // 3500 characters
  assert.equal(counter.count('m', weighMessage(prose)), Math.ceil(3500 / DEFAULT_CHARS_PER_TOKEN));
  const withImage = weighMessage({ role: 1, content: [{ value: prose }, { data: new Uint8Array(10), mimeType: 'image/png' }] });
  assert.equal(counter.count('m', withImage), 1000 + IMAGE_TOKENS + 4);
  // The API says this text is 700 tokens (5 chars/token): counts move toward it, step by step, and stay bounded.
  const body = weighBody({ messages: [{ role: 'user', content: [{ type: 'text', text: prose }] }] });
  let previous = counter.count('m', weighMessage(prose));
  for (let i = 0; i < 20; i++) {
    counter.calibrate('m', body, 700 + 4);
    const now = counter.count('m', weighMessage(prose));
    assert.ok(now <= previous, 'each observation moves the count toward the reported one');
    previous = now;
  }
  assert.ok(Math.abs(previous - 700) <= 10, `calibrated count ${previous} ≈ 700`);
  assert.equal(counter.count('other', weighMessage(prose)), 1000, 'calibration is per model');
  const restored = new TokenCounter();
  restored.restore(counter.snapshot());
  assert.equal(restored.count('m', weighMessage(prose)), previous);
  restored.restore({ m: 'junk', x: 1000 });
  assert.equal(restored.ratio('x'), DEFAULT_CHARS_PER_TOKEN, 'implausible saved ratios are ignored');
});

test('model list: the chain first with API limits, then other usable models; retired ones left out', () => {
  const models = chatModelInformation(
    {
      source: 'api',
      models: [
        { id: 'claude-haiku-5-5', displayName: 'Claude Haiku 5.5', lifecycle: 'active', retiresAt: null, maxInputTokens: 1_000_000, maxOutputTokens: 128_000, imageInput: true },
        { id: 'claude-opus-5-5', displayName: 'Claude Opus 5.5', lifecycle: 'active', retiresAt: null, maxInputTokens: 1_000_000, maxOutputTokens: 128_000 },
        { id: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5', lifecycle: 'retired', retiresAt: null },
        { id: 'claude-opus-4-6', displayName: 'Claude Opus 4.6', lifecycle: 'active', retiresAt: null, imageInput: false },
      ],
    },
    ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'],
    formatMessage,
  );
  const [chainEntry, ...rest] = models;
  assert.deepEqual(
    [chainEntry!.id, chainEntry!.name, chainEntry!.detail, chainEntry!.maxInputTokens, chainEntry!.maxOutputTokens],
    ['resilient-chain', 'Claude (resilient)', 'Opus 5.5 → Sonnet 5.5 → Haiku 5.5', 200_000, 64_000],
    'first the chain itself, with limits every model in it can serve',
  );
  assert.ok(['Claude (resilient)', 'Claude Haiku 5.5', 'Claude Opus 4.6'].sort((a, b) => a.localeCompare(b))[0] === 'Claude (resilient)', 'it sorts first by name, as the picker sorts');
  assert.deepEqual(
    rest.map((m) => [m.id, m.name, m.detail, m.maxInputTokens, m.maxOutputTokens, m.capabilities.imageInput]),
    [
      ['claude-opus-5-5', 'Claude Opus 5.5', 'primary', 1_000_000, 128_000, true],
      ['claude-sonnet-5-5', 'Claude Sonnet 5.5', 'fallback 1', 200_000, 64_000, true],
      ['claude-haiku-5-5', 'Claude Haiku 5.5', 'fallback 2', 1_000_000, 128_000, true],
      ['claude-opus-4-6', 'Claude Opus 4.6', '', 200_000, 64_000, false],
    ],
  );
  assert.ok(models.every((m) => m.capabilities.toolCalling));
  assert.equal(rest[0]!.family, 'claude-opus');
  assert.match(rest[0]!.tooltip, /falls back to Sonnet 5\.5, Haiku 5\.5/);
});

test('short model names for narration', () => {
  assert.equal(shortModelName('claude-opus-5-5'), 'Opus 5.5');
  assert.equal(shortModelName('claude-3-5-sonnet-20241022'), 'Sonnet 3.5');
  assert.equal(shortModelName('claude-haiku-4-5-20251001'), 'Haiku 4.5');
  assert.equal(modelFamilyName('claude-opus-5-5'), 'Opus');
  assert.equal(shortModelName('gpt-5'), 'gpt-5');
});

test('narration: a wait, a fallback, and the answer line naming why it fell back', () => {
  const n = new Narrator(formatMessage);
  const base = { time: 0, clientRequestId: 'c1' };
  assert.equal(
    n.line({ type: 'attempt', ...base, provider: 'anthropic', model: 'claude-opus-5-5', attempt: 1, status: 529, errorClass: 'overloaded', errorType: 'overloaded_error', latencyMs: 5, requestId: 'req_1' }),
    null,
  );
  assert.equal(
    n.line({ type: 'wait', ...base, provider: 'anthropic', model: 'claude-opus-5-5', delayMs: 1800, reason: 'overloaded', nextAttempt: 2 }),
    'Opus overloaded — retrying in 2 s (attempt 2)',
  );
  assert.equal(
    n.line({ type: 'fallback', ...base, from: { provider: 'anthropic', model: 'claude-opus-5-5' }, to: { provider: 'anthropic', model: 'claude-sonnet-5-5' }, reason: 'overloaded' }),
    'Opus overloaded — trying Sonnet 5.5',
  );
  assert.equal(n.answeredBy('claude-sonnet-5-5', 'anthropic'), 'Answered by Sonnet 5.5 — Opus overloaded');
  assert.equal(n.fellBack, true);
  const healthy = new Narrator(formatMessage);
  assert.equal(healthy.answeredBy('claude-opus-5-5', 'anthropic'), 'Answered by Opus 5.5');
  const cross = new Narrator(formatMessage);
  cross.line({ type: 'fallback', ...base, from: { provider: 'anthropic', model: 'claude-opus-5-5' }, to: { provider: 'bedrock', model: 'claude-opus-5-5' }, reason: 'overloaded' });
  assert.equal(cross.answeredBy('claude-opus-5-5', 'bedrock'), 'Answered by Opus 5.5 via Bedrock — Opus overloaded');
});

test('narration never says the same line twice in a row; each retry names its attempt', () => {
  const n = new Narrator(formatMessage);
  const base = { time: 0, clientRequestId: 'c1', provider: 'anthropic' as const, model: 'claude-opus-5-5' };
  const stall = { type: 'stall' as const, ...base, silentMs: 6_000, phase: 'first_token' as const, action: 'hedge' as const };
  assert.equal(n.line(stall), 'No response from Opus 5.5 for 6 s — trying a fresh connection');
  assert.equal(n.line(stall), null, 'the same stall twice is said once');
  const lines = [2, 3].map((nextAttempt) => n.line({ type: 'wait', ...base, delayMs: 900, reason: 'overloaded', nextAttempt }));
  assert.deepEqual(lines, ['Opus overloaded — retrying in 1 s (attempt 2)', 'Opus overloaded — retrying in 1 s (attempt 3)']);
});

test('narration says a stall while it happens, as the progress notification does', () => {
  const base = { time: 0, clientRequestId: 'c1', provider: 'anthropic' as const, model: 'claude-opus-5-5' };
  const n = new Narrator(formatMessage);
  assert.equal(n.line({ type: 'stall', ...base, silentMs: 6_000, phase: 'first_token', action: 'hedge' }), 'No response from Opus 5.5 for 6 s — trying a fresh connection');
  assert.equal(n.line({ type: 'stall', ...base, silentMs: 40_200, phase: 'mid_stream', action: 'reconnect' }), 'The answer from Opus 5.5 stopped for 40 s — continuing on a fresh connection');
  assert.equal(n.fellBack, false, 'a fresh connection on the same route is no fallback');
  assert.equal(n.answeredBy('claude-opus-5-5', 'anthropic'), 'Answered by Opus 5.5');

  const elsewhere = new Narrator(formatMessage);
  const sonnet = { provider: 'anthropic' as const, model: 'claude-sonnet-5-5' };
  assert.equal(elsewhere.line({ type: 'stall', ...base, silentMs: 6_000, phase: 'first_token', action: 'hedge', to: sonnet }), 'No response from Opus 5.5 for 6 s — trying Sonnet 5.5');
  // The hedge answered there: the core records the move as a fallback, already said.
  assert.equal(elsewhere.line({ type: 'fallback', time: 0, clientRequestId: 'c1', from: { provider: 'anthropic', model: 'claude-opus-5-5' }, to: sonnet, reason: 'timeout' }), null);
  assert.equal(elsewhere.fellBack, true);
  assert.equal(elsewhere.answeredBy('claude-sonnet-5-5', 'anthropic'), 'Answered by Sonnet 5.5 — Opus slow to answer');
  const firstWon = new Narrator(formatMessage);
  firstWon.line({ type: 'stall', ...base, silentMs: 6_000, phase: 'first_token', action: 'hedge', to: sonnet });
  assert.equal(firstWon.fellBack, false, 'the late first attempt answered after all: no fallback to tell');
});

test('a failure reads like the rest of the extension, lists its request ids and picks a LanguageModelError code', () => {
  const overloaded = chatFailure({ class: 'overloaded', message: 'Overloaded (529 overloaded_error)', requestIds: ['req_a', 'req_b'] }, formatMessage);
  assert.match(overloaded.message, /^Claude: Overloaded — Anthropic reported its servers overloaded/);
  assert.match(overloaded.message, /Request IDs: req_a, req_b\.$/);
  assert.equal(overloaded.code, '');
  assert.deepEqual(overloaded.requestIds, ['req_a', 'req_b']);
  assert.equal(chatFailure({ class: 'auth', message: '', requestIds: [] }, formatMessage).code, 'NoPermissions');
  assert.equal(chatFailure({ class: 'spend_limit', message: '', requestIds: ['r'] }, formatMessage).code, 'Blocked');
  assert.doesNotMatch(chatFailure({ class: 'auth', message: '', requestIds: [] }, formatMessage).message, /Request IDs/);
});
