// The one listener set behind the manager's, the broker client's, the route store's, the
// history's, the status poller's and the batch lane's events.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../../../src/shared/emitter';

test('every listener hears each value in order; a throwing one stops neither the others nor the emitter', { timeout: 5_000 }, () => {
  const emitter = new Emitter<[string, number]>();
  const heard: string[] = [];
  emitter.on((name, n) => heard.push(`a ${name} ${n}`));
  emitter.on(() => {
    throw new Error('listener broke');
  });
  emitter.on((name, n) => heard.push(`b ${name} ${n}`));
  assert.doesNotThrow(() => emitter.emit('x', 1));
  emitter.emit('y', 2);
  assert.deepEqual(heard, ['a x 1', 'b x 1', 'a y 2', 'b y 2']);
});

test('a round calls the listeners present when it started; removing twice is harmless; clear forgets all', { timeout: 5_000 }, () => {
  const emitter = new Emitter<[number]>();
  const heard: string[] = [];
  let offLate: (() => void) | undefined;
  const offFirst = emitter.on((n) => {
    heard.push(`first ${n}`);
    offSecond();
    offLate ??= emitter.on((m) => heard.push(`late ${m}`));
  });
  const offSecond = emitter.on((n) => heard.push(`second ${n}`));
  emitter.emit(1);
  emitter.emit(2);
  assert.deepEqual(heard, ['first 1', 'second 1', 'first 2', 'late 2']);
  offFirst();
  offFirst();
  emitter.emit(3);
  assert.deepEqual(heard.slice(4), ['late 3']);
  emitter.clear();
  emitter.emit(4);
  assert.equal(heard.length, 5);
});
