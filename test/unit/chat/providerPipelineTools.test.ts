// A transport that streams only text (the shared broker's) still gives the provider every tool
// call: from the assembled message, once, after the text — never twice when it did stream them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { Outcome, RequestStream, StreamPart } from '../../../src/core/types';
import { runProviderPipeline } from '../../../src/extension/chat/providerPipeline';
import { TokenCounter } from '../../../src/extension/chat/tokenCounter';

const message = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-5-5',
  content: [
    { type: 'text', text: 'Checking.', citations: null },
    { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
} as unknown as Message;

function fakeStream(parts: StreamPart[]): RequestStream {
  const outcome = { ok: true, text: 'Checking.', model: 'claude-opus-5-5', provider: 'anthropic', stopReason: 'tool_use', incomplete: false,
    usage: { inputTokens: 10, outputTokens: 5, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 }, message, adaptations: [],
    clientRequestId: 'c1', attempts: [] } as unknown as Outcome;
  return {
    outcome: Promise.resolve(outcome),
    clientRequestId: 'c1',
    parts: (async function* () { yield* parts; })(),
    [Symbol.asyncIterator]: async function* () {},
  } as unknown as RequestStream;
}

const make = { text: (v: string) => `text:${v}`, toolCall: (id: string, name: string) => `call:${id}:${name}`, data: (_: Uint8Array, mime: string) => `data:${mime}` };

test('tool calls missing from a text-only stream come from the message; streamed ones are not repeated', async () => {
  for (const streamed of [[{ type: 'text', text: 'Checking.' }], [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'ls', input: { dir: '.' } }]] as StreamPart[][]) {
    const reported: string[] = [];
    await runProviderPipeline({ stream: () => fakeStream(streamed), make, counter: new TokenCounter() }, { id: 'claude-opus-5-5', maxOutputTokens: 1000 }, [{ role: 1, content: [{ value: 'ls' }] }], {}, (p) => reported.push(p));
    assert.deepEqual(reported, ['text:Checking.', 'call:toolu_1:ls', 'data:token_usage']);
  }
});
