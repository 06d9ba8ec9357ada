import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextQueue } from '../../../src/core/textQueue';

test('deltas pushed before and during iteration arrive in order, then the iteration ends', { timeout: 5000 }, async () => {
  const queue = new TextQueue();
  queue.push('Hello');
  const seen: string[] = [];
  const reading = (async () => {
    for await (const delta of queue) seen.push(delta);
  })();
  queue.push(', ');
  await Promise.resolve();
  queue.push('world');
  queue.end();
  queue.push('ignored after the end');
  await reading;
  assert.deepEqual(seen, ['Hello', ', ', 'world']);
});

test('a consumer that stops early signals it, once', { timeout: 5000 }, async () => {
  let stops = 0;
  const queue = new TextQueue(() => stops++);
  queue.push('a');
  queue.push('b');
  for await (const delta of queue) {
    assert.equal(delta, 'a');
    break;
  }
  assert.equal(stops, 1);
  assert.throws(() => queue[Symbol.asyncIterator](), /only once/);
});

test('a reader that picks items skips the others, buffered or pushed while it waits', { timeout: 5000 }, async () => {
  const queue = new TextQueue<{ readonly text?: string }>();
  queue.push({});
  queue.push({ text: 'a' });
  const items = queue.iterate((item) => item.text);
  assert.deepEqual(await items.next(), { value: 'a', done: false });
  const waiting = items.next();
  queue.push({});
  queue.push({ text: '' });
  assert.deepEqual(await waiting, { value: '', done: false }, 'an empty text is an item; a skipped one does not end the wait');
  const last = items.next();
  queue.push({});
  queue.end();
  assert.deepEqual(await last, { value: undefined, done: true });
});
