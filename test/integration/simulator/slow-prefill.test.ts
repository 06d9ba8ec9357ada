// slow-prefill: healthy, but the first token comes late — later for longer
// prompts, up to a cap — with SSE pings while the model prefills, as the API
// sends them. Played with timeScale 0.05 (3 s → 150 ms, pings every 250 ms).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { API_KEY, useSimulator } from './clients';

interface TimedEvent {
  event: string;
  at: number;
}

/** Streams a Messages request with fetch and notes when each SSE event arrived. */
async function timedEvents(url: string, content: string): Promise<{ sentAt: number; events: TimedEvent[] }> {
  const sentAt = Date.now();
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 256, stream: true, messages: [{ role: 'user', content }] }),
  });
  assert.equal(response.status, 200);
  const events: TimedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = response.body!.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    buffer += decoder.decode(read.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const name = /^event: (.+)$/m.exec(buffer.slice(0, end))?.[1] ?? '';
      events.push({ event: name, at: Date.now() });
      buffer = buffer.slice(end + 2);
    }
  }
  return { sentAt, events };
}

/** Pings between message_start and the first content, and the time from sending the request to that content. */
function beforeContent({ sentAt, events }: { sentAt: number; events: TimedEvent[] }): { pings: number; waitedMs: number } {
  const start = events.findIndex((e) => e.event === 'message_start');
  const content = events.findIndex((e) => e.event === 'content_block_start');
  return {
    pings: events.slice(start + 1, content).filter((e) => e.event === 'ping').length,
    waitedMs: events[content]!.at - sentAt,
  };
}

describe('slow-prefill', { timeout: 60_000 }, () => {
  const fx = useSimulator('slow-prefill', { timeScale: 0.05 });

  it('a short prompt waits about ttftMs for its first token, with no ping before it', async () => {
    const timed = await timedEvents(fx.sim.url, 'Hi');
    const wait = beforeContent(timed);
    assert.ok(wait.waitedMs >= 148, `first content after ${wait.waitedMs} ms`);
    assert.equal(wait.pings, 0);
    assert.equal(timed.events.at(-1)?.event, 'message_stop');
  });

  it('a long prompt waits longer, capped, and gets a ping every pingIntervalMs meanwhile', async () => {
    const wait = beforeContent(await timedEvents(fx.sim.url, 'word '.repeat(8000))); // 10,000 tokens: 150 + 500 ms, capped at 600
    assert.ok(wait.waitedMs >= 598, `first content after ${wait.waitedMs} ms`);
    assert.equal(wait.pings, 2);
    assert.deepEqual(fx.sim.stats().byModel['claude-opus-5-5']?.outcomes, { ok: fx.sim.stats().total });
  });

  it('answers the canonical text through the SDK', async () => {
    const text = await fx.client.messages.stream({ model: 'claude-sonnet-5-5', max_tokens: 256, messages: [{ role: 'user', content: 'Slow?' }] }).finalText();
    assert.equal(text, canonicalAnswer('Slow?'));
  });
});

describe('pauses mid-stream', { timeout: 60_000 }, () => {
  const fx = useSimulator({ defaults: { pauseAfterTokens: 4, pauseMs: 300, pingIntervalMs: 100 } });

  it('pause after N deltas, pinging meanwhile, then the rest of the answer', async () => {
    const { events } = await timedEvents(fx.sim.url, 'Pause please');
    const deltas = events.map((e, i) => ({ ...e, i })).filter((e) => e.event === 'content_block_delta');
    const gap = events.slice(deltas[3]!.i + 1, deltas[4]!.i);
    assert.deepEqual(gap.map((e) => e.event), ['ping', 'ping']);
    assert.equal(deltas.length, 12);
  });
});
