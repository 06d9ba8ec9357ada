// The caller's name for a request: a stream exposes its client request id before any event,
// a caller-chosen id is the one every event and the outcome carry, and a bad or duplicate id
// is refused before anything reaches the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagerEvent } from '../../../src/core/types';
import { ASK, OPUS, rig, scenario } from './harness';

function idsOf(events: readonly ManagerEvent[]): Set<string> {
  return new Set(events.flatMap((e) => ('clientRequestId' in e ? [e.clientRequestId] : [])));
}

test('a stream names its request before the first event, and its events and outcome use that name', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['529', 'ok'] } }));
  try {
    const seenWhenReturned = r.events.length;
    const stream = r.manager.stream(ASK);
    assert.match(stream.clientRequestId, /^rc_[0-9a-f]{24}$/);
    assert.equal(seenWhenReturned, 0);
    for await (const delta of stream) assert.equal(typeof delta, 'string');
    const outcome = await stream.outcome;
    assert.ok(outcome.ok);
    assert.equal(outcome.clientRequestId, stream.clientRequestId);
    assert.deepEqual([...idsOf(r.events)], [stream.clientRequestId]);
    assert.ok(r.events.some((e) => e.type === 'wait'), 'the retry after the 529 was announced');
  } finally {
    await r.close();
  }
});

test("a caller's id is used for every event of its request, and two requests keep theirs apart", { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['529', 'ok', 'ok'] } }));
  try {
    const first = r.manager.stream(ASK, { clientRequestId: 'editor-ask-1' });
    const second = r.manager.send(ASK, { clientRequestId: 'editor-ask-2' });
    assert.equal(first.clientRequestId, 'editor-ask-1');
    for await (const delta of first) assert.equal(typeof delta, 'string');
    const [a, b] = [await first.outcome, await second];
    assert.ok(a.ok && b.ok);
    assert.equal(a.clientRequestId, 'editor-ask-1');
    assert.equal(b.clientRequestId, 'editor-ask-2');
    assert.deepEqual([...idsOf(r.events)].sort(), ['editor-ask-1', 'editor-ask-2']);
    for (const id of ['editor-ask-1', 'editor-ask-2']) {
      assert.equal(r.events.filter((e) => e.type === 'request' && e.clientRequestId === id).length, 1);
    }
    // An id is free again once its request finished.
    const again = await r.manager.send(ASK, { clientRequestId: 'editor-ask-1' });
    assert.ok(again.ok);
  } finally {
    await r.close();
  }
});

test('an unusable or duplicate id fails the request clearly before it reaches the API', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { latencyMs: 300 } }));
  try {
    const bad = await r.manager.send(ASK, { clientRequestId: 'has spaces\r\nx-evil: 1' });
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.error.class === 'bad_request');
    assert.match(!bad.ok ? bad.error.message : '', /clientRequestId must be 1 to 128/);
    assert.equal(r.sim.stats().total, 0);

    const running = r.manager.stream(ASK, { clientRequestId: 'same-id' });
    const duplicate = await r.manager.send(ASK, { clientRequestId: 'same-id' });
    assert.ok(!duplicate.ok && duplicate.error.class === 'bad_request');
    assert.match(!duplicate.ok ? duplicate.error.message : '', /already names a request in flight/);
    for await (const delta of running) assert.equal(typeof delta, 'string');
    assert.ok((await running.outcome).ok, 'the refused duplicate did not disturb the running request');
    assert.equal(r.sim.stats().total, 1);
    assert.equal(r.events.filter((e) => e.type === 'request').length, 1, 'refused requests emit no events');
  } finally {
    await r.close();
  }
});
