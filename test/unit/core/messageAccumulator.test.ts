// The answer is what the API sent: for any valid event sequence, the message the manager assembles
// equals the official SDK's beta accumulator's on the same events, and the events handed on are
// the API's own, in order and unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MessageAccumulator } from '../../../src/core/messageAccumulator';
import { AnswerRelay } from '../../../src/core/answerRelay';
import type { RelayItem } from '../../../src/core/answerRelay';
import type { ApiStreamEvent } from '../../../src/core/types';
import { answerEvents } from '../../support/eventArbitraries';
import { asJson, sdkAssembled } from '../../support/sdkOracle';

test('the assembled message equals the SDK beta accumulator\'s, for generated event sequences', async () => {
  await fc.assert(
    fc.asyncProperty(answerEvents, async (events) => {
      const acc = new MessageAccumulator();
      for (const event of asJson(events) as ApiStreamEvent[]) acc.accept(event);
      assert.deepEqual(asJson(acc.message()), await sdkAssembled(events));
    }),
    { numRuns: 200 },
  );
});

test('through the relay, the caller gets the same events (the same objects, in order) and the same message', async () => {
  await fc.assert(
    fc.asyncProperty(answerEvents, async (events) => {
      const handed: RelayItem[] = [];
      const relay = new AnswerRelay((item) => handed.push(item), () => 'events');
      const feed = relay.feed();
      for (const event of events) feed.accept(event);
      feed.settle();
      assert.equal(feed.sawStop, true);
      const api = handed.flatMap((item) => (item.event.source === 'api' ? [item.event.event] : []));
      assert.equal(api.length, events.length);
      api.forEach((event, i) => assert.equal(event, events[i], `event ${i} is the API's own object`));
      assert.deepEqual(asJson(relay.message()), await sdkAssembled(events));
    }),
    { numRuns: 100 },
  );
});

test('the events given to the accumulator are never changed', () => {
  fc.assert(
    fc.property(answerEvents, (events) => {
      const before = JSON.stringify(events);
      const acc = new MessageAccumulator();
      for (const event of events) acc.accept(event);
      acc.message();
      assert.equal(JSON.stringify(events), before);
    }),
    { numRuns: 100 },
  );
});
