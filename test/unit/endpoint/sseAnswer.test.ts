// An answer written as server-sent events ends at its message_stop or its error event: a failure
// met afterwards, a keep-alive ping or a late event of the API writes nothing more, only the end
// of the response. Each answer is written by SseAnswer to a real response on loopback and read
// back as the client sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { SseAnswer } from '../../../src/broker/endpoint/sseAnswer';
import type { AnswerEvent, SuccessOutcome } from '../../../src/core/types';

/** The event names a client reads from the answer `write` gives. */
async function eventsWritten(write: (sse: SseAnswer) => void): Promise<string[]> {
  const server = http.createServer((_req, res) => write(new SseAnswer(res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const text = await response.text();
    return [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]!);
  } finally {
    server.close();
  }
}

const MESSAGE = {
  id: 'msg_0',
  type: 'message',
  role: 'assistant',
  model: 'claude-opus-5-5',
  content: [{ type: 'text', text: 'Hello', citations: null }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 1 },
} as unknown as Message;

const api = (event: Record<string, unknown>): AnswerEvent => ({ source: 'api', event }) as unknown as AnswerEvent;

test('a relayed answer: after message_stop, a failure, a ping or a late event writes nothing', async () => {
  const names = await eventsWritten((sse) => {
    sse.sendHeaders({});
    sse.relay(api({ type: 'message_start', message: { ...MESSAGE, content: [] } }));
    sse.relay(api({ type: 'message_stop' }));
    sse.ping();
    sse.relay(api({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    sse.fail('api_error', 'The stream broke after its end.');
  });
  assert.deepEqual(names, ['message_start', 'message_stop']);
});

test('a rebuilt answer: its finish ends it; a failure afterwards writes no error event', async () => {
  const names = await eventsWritten((sse) => {
    sse.start({}, MESSAGE.model);
    sse.part({ type: 'text', text: 'Hello' });
    sse.finish({ ok: true, message: MESSAGE } as unknown as SuccessOutcome);
    sse.fail('overloaded_error', 'Overloaded');
    sse.ping();
  });
  assert.deepEqual(names, ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
});

test('an answer that failed: one error event, and nothing after it', async () => {
  const names = await eventsWritten((sse) => {
    sse.sendHeaders({});
    sse.relay(api({ type: 'message_start', message: { ...MESSAGE, content: [] } }));
    sse.relay({ source: 'manager', notice: { type: 'incomplete', message: 'The answer broke off.', error: { type: 'overloaded_error', message: 'Overloaded' } } });
    sse.relay(api({ type: 'message_stop' }));
    sse.fail('api_error', 'again');
  });
  assert.deepEqual(names, ['message_start', 'error']);
});
