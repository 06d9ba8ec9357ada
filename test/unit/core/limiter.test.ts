import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';

test('never more than the limit in flight; interactive work jumps ahead of background', { timeout: 5000 }, async () => {
  const limiter = new ConcurrencyLimiter(2);
  const a = await limiter.acquire('background');
  const b = await limiter.acquire('background');
  const order: string[] = [];
  const bg = limiter.acquire('background').then((release) => { order.push('background'); return release; });
  const fg = limiter.acquire('interactive').then((release) => { order.push('interactive'); return release; });
  assert.equal(limiter.inFlight, 2);
  assert.equal(limiter.waiting, 2);
  a();
  a(); // releasing twice frees one slot only
  const first = await fg;
  assert.equal(limiter.inFlight, 2);
  b();
  const second = await bg;
  assert.deepEqual(order, ['interactive', 'background']);
  first();
  second();
  assert.equal(limiter.inFlight, 0);
});

test('a waiter whose signal fires leaves the queue without taking a slot', { timeout: 5000 }, async () => {
  const limiter = new ConcurrencyLimiter(1);
  const held = await limiter.acquire();
  const controller = new AbortController();
  const waiting = limiter.acquire('interactive', controller.signal);
  controller.abort();
  await assert.rejects(waiting, /canceled/);
  assert.equal(limiter.waiting, 0);
  held();
  assert.equal(limiter.inFlight, 0);
  assert.throws(() => new ConcurrencyLimiter(0), /positive integer/);
});
