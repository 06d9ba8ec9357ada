// The raw answer stream (RelayStream.events) through the real manager and SDK over loopback HTTP:
// the API's events in order and unchanged, and after a recovery still one coherent message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import type { AnswerEvent, ApiStreamEvent } from '../../../src/core/types';
import { ASK, OPUS, rig, scenario } from './harness';
import { asJson, sdkAssembled } from '../../support/sdkOracle';

const answer = canonicalAnswer(ASK.messages[0]!.content);

async function collect(events: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const api = (events: readonly AnswerEvent[]): ApiStreamEvent[] => events.flatMap((e) => (e.source === 'api' ? [e.event] : []));

/** One message: one start, one stop last, each block started once at the next index and stopped. */
function assertCoherent(events: readonly ApiStreamEvent[]): void {
  assert.equal(events.filter((e) => e.type === 'message_start').length, 1);
  assert.equal(events[0]?.type, 'message_start');
  assert.equal(events.filter((e) => e.type === 'message_stop').length, 1);
  assert.equal(events.at(-1)?.type, 'message_stop');
  let next = 0;
  let open: number | null = null;
  for (const e of events) {
    if (e.type === 'content_block_start') {
      assert.equal(open, null, 'a block starts only after the previous one stopped');
      assert.equal(e['index'], next);
      open = next++;
    } else if (e.type === 'content_block_delta') assert.equal(e['index'], open);
    else if (e.type === 'content_block_stop') {
      assert.equal(e['index'], open);
      open = null;
    }
  }
  assert.equal(open, null);
}

test('a healthy answer: the events are the API\'s, and the outcome\'s message is what the SDK assembles from them', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}));
  try {
    const stream = r.manager.stream(ASK);
    const events = await collect(stream.events);
    const outcome = await stream.outcome;
    assert.ok(outcome.ok);
    assert.ok(events.every((e) => e.source === 'api'), 'no notice when nothing failed');
    assertCoherent(api(events));
    assert.deepEqual(asJson(outcome.message), await sdkAssembled(api(events)));
    assert.equal(outcome.text, answer);
  } finally {
    await r.close();
  }
});

for (const after of [1, 4]) {
  test(`a break after ${after} tokens: one message_start, indices that go on, one message_stop, the text once`, { timeout: 20_000 }, async () => {
    const r = await rig(scenario({ [OPUS]: { sequence: ['midstream', 'ok'], midStreamAfterTokens: after } }));
    try {
      const stream = r.manager.stream(ASK);
      const events = await collect(stream.events);
      const outcome = await stream.outcome;
      assert.ok(outcome.ok);
      const apiEvents = api(events);
      assertCoherent(apiEvents);
      const text = apiEvents.map((e) => (e.type === 'content_block_delta' && (e['delta'] as { type: string }).type === 'text_delta' ? (e['delta'] as { text: string }).text : '')).join('');
      assert.equal(text, answer);
      assert.ok(events.some((e) => e.source === 'manager' && e.notice.type === 'recovered'));
      assert.deepEqual(asJson(outcome.message), await sdkAssembled(apiEvents));
      assert.equal(r.sim.stats().total, 2);
    } finally {
      await r.close();
    }
  });
}

test('a break that cannot be continued ends with an incomplete notice that says what was delivered, and no message_stop', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}, { pMidStreamError: 1, midStreamAfterTokens: 2 }), { retry: { maxAttempts: 2 } as never });
  try {
    const stream = r.manager.stream(ASK);
    const events = await collect(stream.events);
    const outcome = await stream.outcome;
    assert.equal(outcome.ok, false);
    const last = events.at(-1);
    assert.ok(last?.source === 'manager' && last.notice.type === 'incomplete', JSON.stringify(last));
    assert.match(last.notice.message, /incomplete: .*text/);
    assert.equal(last.notice.error?.type, 'overloaded_error');
    assert.ok(!api(events).some((e) => e.type === 'message_stop'));
    assert.ok(!outcome.ok && /incomplete/.test(outcome.error.message));
  } finally {
    await r.close();
  }
});
