import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { eventCounterFor } from '../../../src/core/streamEvents';
import { chunkMessage, encodeEventStreamMessage } from '../../../src/simulator/aws-event-stream';

const SSE = 'text/event-stream; charset=utf-8';
const BEDROCK = 'application/vnd.amazon.eventstream';
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Events counted when `body` arrives cut at `cuts` (offsets), through one counter. */
function countSplit(contentType: string, body: Uint8Array, cuts: readonly number[]): number {
  const counter = eventCounterFor(contentType);
  const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  let events = 0;
  for (const point of [...points, body.length]) {
    events += counter.feed(body.subarray(from, point));
    from = point;
  }
  return events;
}

const STREAM = [
  'event: message_start\ndata: {"type":"message_start"}\n\n',
  'event: ping\r\ndata: {"type": "ping"}\r\n\r\n',
  ': a comment alone is no event\n\n',
  '\n\n\n',
  'data: {"type":"content_block_delta"}\r\r',
  'id: 7\nretry: 10\n\n',
  'event: message_stop\ndata: {}\n\n',
].join('');

test('SSE: an event ends at a blank line after a data or event field, whatever the line endings', () => {
  assert.equal(countSplit(SSE, bytes(STREAM), []), 4);
  assert.equal(countSplit(SSE, bytes('data\n\n'), []), 1, 'a field without a colon');
  assert.equal(countSplit(SSE, bytes('dat: x\n\nevents: y\n\ndataa: z\n\n'), []), 0, 'other field names do not dispatch');
});

test('SSE: bytes that never complete an event count as none (junk, comments, half an event)', () => {
  assert.equal(countSplit(SSE, bytes('x'.repeat(1000)), []), 0);
  assert.equal(countSplit(SSE, bytes('x\n'.repeat(100)), []), 0, 'lines without a blank line after them');
  assert.equal(countSplit(SSE, bytes(':\n\n'.repeat(100)), []), 0, 'keep-alive comments');
  assert.equal(countSplit(SSE, bytes('data: {"type":"content_bl'), []), 0);
});

test('SSE and event-stream: a body split anywhere counts the same', () => {
  const frames = Buffer.concat([chunkMessage({ type: 'message_start' }), chunkMessage({ type: 'ping' }), encodeEventStreamMessage({ ':event-type': 'chunk' }, new Uint8Array(0))]);
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
      assert.equal(countSplit(SSE, bytes(STREAM), cuts), 4);
      assert.equal(countSplit(BEDROCK, frames, cuts), 3);
    }),
  );
});

test('event-stream: a frame counts once all its announced bytes came; an impossible length ends the counting', () => {
  const frame = chunkMessage({ type: 'ping' });
  assert.equal(countSplit(BEDROCK, frame.subarray(0, frame.length - 1), []), 0, 'one byte short');
  const junk = Buffer.concat([Buffer.from('xxxxxxxx'), frame]);
  assert.equal(countSplit(BEDROCK, junk, []), 0, '"xxxx" announces 2 GB: junk, and nothing after it counts');
  const tiny = Buffer.concat([Buffer.from([0, 0, 0, 3]), frame]);
  assert.equal(countSplit(BEDROCK, tiny, []), 0, 'shorter than a prelude');
});
