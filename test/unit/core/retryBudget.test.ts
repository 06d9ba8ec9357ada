import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RetryBudget } from '../../../src/core/policies/retryBudget';
import { FakeClock } from '../../support/fakeClock';

test('a lone user keeps the minRetries floor; a crowd gets the ratio', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const budget = new RetryBudget({ ratio: 0.2, minRetries: 3, windowMs: 60_000 }, () => clock.now());
  budget.recordRequest();
  assert.equal(budget.tryAcquireRetry(), true);
  assert.equal(budget.tryAcquireRetry(), true);
  assert.equal(budget.tryAcquireRetry(), true);
  assert.equal(budget.tryAcquireRetry(), false, 'the floor is spent');
  for (let i = 0; i < 99; i++) budget.recordRequest();
  assert.equal(budget.available(), 20 - 3);
});

test('the window slides: old retries stop counting', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const budget = new RetryBudget({ ratio: 0, minRetries: 2, windowMs: 10_000 }, () => clock.now());
  assert.ok(budget.tryAcquireRetry());
  assert.ok(budget.tryAcquireRetry());
  assert.equal(budget.tryAcquireRetry(), false);
  clock.advance(11_000);
  assert.equal(budget.available(), 2);
});

test('property: the budget is never negative and retries never exceed the allowance', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 5 }),
      fc.array(fc.tuple(fc.constantFrom('request', 'retry', 'tick'), fc.integer({ min: 0, max: 3000 })), { maxLength: 200 }),
      (ratio, minRetries, ops) => {
        const clock = new FakeClock();
        const windowMs = 10_000;
        const budget = new RetryBudget({ ratio, minRetries, windowMs }, () => clock.now());
        const log: Array<{ t: number; kind: 'request' | 'retry' }> = [];
        for (const [op, step] of ops) {
          clock.advance(step);
          if (op === 'request') {
            budget.recordRequest();
            log.push({ t: clock.now(), kind: 'request' });
          } else if (op === 'retry' && budget.tryAcquireRetry()) {
            log.push({ t: clock.now(), kind: 'retry' });
          } else {
            assert.ok(budget.available() >= 0);
            continue;
          }
          assert.ok(budget.available() >= 0);
          // When a retry is granted (or a request arrives), retries in the last window never exceed the
          // allowance earned by the requests of that window (widened by one bucket, the budget's
          // granularity). Later, a retry may outlive the requests that earned it: that is a sliding window.
          const now = clock.now();
          const retries = log.filter((e) => e.kind === 'retry' && e.t > now - windowMs).length;
          const requests = log.filter((e) => e.kind === 'request' && e.t > now - windowMs - windowMs / 10).length;
          assert.ok(retries <= Math.max(minRetries, Math.floor(requests * ratio)), `${retries} retries for ${requests} requests`);
        }
      },
    ),
    { numRuns: 200 },
  );
});
