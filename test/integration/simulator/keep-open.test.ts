// keepOpenAfterStop: a complete answer (message_stop) on a connection the
// server then leaves open and silent — what a client must treat as the end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { API_KEY, useSimulator } from './clients';

const QUESTION = 'Are we done?';

describe('keepOpenAfterStop', { timeout: 30_000 }, () => {
  const fx = useSimulator({ models: { 'claude-opus-5-5': { keepOpenAfterStop: true } } });

  it('sends the whole answer and message_stop, then keeps the connection open until the client leaves', async () => {
    const abort = new AbortController();
    const response = await fetch(`${fx.sim.url}/v1/messages`, {
      method: 'POST',
      signal: abort.signal,
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 256, stream: true, messages: [{ role: 'user', content: QUESTION }] }),
    });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: message_stop')) {
      const read = await reader.read();
      assert.ok(!read.done, 'the stream ended before message_stop');
      text += decoder.decode(read.value, { stream: true });
    }
    const deltas = [...text.matchAll(/"text_delta","text":"([^"]*)"/g)].map((m) => m[1]).join('');
    assert.equal(deltas, canonicalAnswer(QUESTION));
    const next = await Promise.race([reader.read().then(() => 'more' as const), new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), 300))]);
    assert.equal(next, 'open', 'nothing after message_stop, and no end of the body');
    abort.abort();
    await reader.cancel().catch(() => undefined);
  });

  it("the SDK sees message_stop but its finalMessage waits for the body's end, which never comes", async () => {
    const stream = fx.client.messages.stream({ model: 'claude-opus-5-5', max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] });
    let stopped = false;
    stream.on('streamEvent', (event) => {
      if (event.type === 'message_stop') stopped = true;
    });
    const done = await Promise.race([stream.finalMessage().then(() => 'final' as const), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 2_000))]);
    stream.abort();
    assert.ok(stopped);
    assert.equal(done, 'hung', 'a client must end the answer at message_stop itself');
  });

  it('other models end their streams as usual', async () => {
    const text = await fx.client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: QUESTION }] }).finalText();
    assert.equal(text, canonicalAnswer(QUESTION));
  });
});
