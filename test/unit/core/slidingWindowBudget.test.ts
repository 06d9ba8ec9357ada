// The one sliding-window budget on a fake clock, as each route's retry budget and as its hedge budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BudgetConfig, HedgeBudgetConfig } from '../../../src/core/contract';
import { hedgeWindow, retryWindow, SlidingWindowBudget } from '../../../src/core/policies/slidingWindowBudget';
import { FakeClock } from '../../support/fakeClock';

const retryBudget = (config: BudgetConfig, clock: FakeClock): SlidingWindowBudget => new SlidingWindowBudget(retryWindow(config), () => clock.now());
const hedgeBudget = (config: HedgeBudgetConfig, clock: FakeClock): SlidingWindowBudget => new SlidingWindowBudget(hedgeWindow(config), () => clock.now());

test('retries: a lone user keeps the minRetries floor; a crowd gets the ratio', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const budget = retryBudget({ ratio: 0.2, minRetries: 3, windowMs: 60_000 }, clock);
  budget.recordRequest();
  assert.equal(budget.tryAcquire(), true);
  assert.equal(budget.tryAcquire(), true);
  assert.equal(budget.tryAcquire(), true);
  assert.equal(budget.tryAcquire(), false, 'the floor is spent');
  for (let i = 0; i < 99; i++) budget.recordRequest();
  assert.equal(budget.available(), 20 - 3);
});

test('retries: the window slides, old retries stop counting', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const budget = retryBudget({ ratio: 0, minRetries: 2, windowMs: 10_000 }, clock);
  assert.ok(budget.tryAcquire());
  assert.ok(budget.tryAcquire());
  assert.equal(budget.tryAcquire(), false);
  clock.advance(11_000);
  assert.equal(budget.available(), 2);
});

test('property: the retry budget is never negative and retries never exceed the allowance', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 5 }),
      fc.array(fc.tuple(fc.constantFrom('request', 'retry', 'tick'), fc.integer({ min: 0, max: 3000 })), { maxLength: 200 }),
      (ratio, minRetries, ops) => {
        const clock = new FakeClock();
        const windowMs = 10_000;
        const budget = retryBudget({ ratio, minRetries, windowMs }, clock);
        const log: Array<{ t: number; kind: 'request' | 'retry' }> = [];
        for (const [op, step] of ops) {
          clock.advance(step);
          if (op === 'request') {
            budget.recordRequest();
            log.push({ t: clock.now(), kind: 'request' });
          }
          const granted = op === 'retry' && budget.tryAcquire();
          if (granted) log.push({ t: clock.now(), kind: 'retry' });
          assert.ok(budget.available() >= 0);
          if (!granted) continue;
          // When a retry is granted, retries in the last window never exceed the allowance earned by
          // the requests of that window (widened by one bucket, the budget's granularity). Later, a
          // retry may outlive the requests that earned it (a request arriving then finds the older
          // ones gone from the window): that is a sliding window, not an overspend.
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

test('hedges: a share of the window’s requests, a floor for low rates, and the window slides', () => {
  const clock = new FakeClock();
  const budget = hedgeBudget({ ratio: 0.05, minPerWindow: 1, windowMs: 60_000 }, clock);
  assert.equal(budget.tryAcquire(), true, 'the floor allows one with no traffic');
  assert.equal(budget.tryAcquire(), false, 'never beyond the budget');
  for (let i = 0; i < 100; i++) budget.recordRequest();
  let granted = 0;
  for (let i = 0; i < 20; i++) if (budget.tryAcquire()) granted += 1;
  assert.equal(granted, 4, '5% of 100 requests, one already spent');
  clock.advance(70_000);
  assert.equal(budget.available(), 1, 'the window slid: back to the floor');
});

test('the alarm: on when at most a tenth of the allowance is left, off again as the window slides', () => {
  const clock = new FakeClock();
  const budget = retryBudget({ ratio: 0.2, minRetries: 3, windowMs: 10_000 }, clock);
  for (let i = 0; i < 100; i++) budget.recordRequest();
  for (let i = 0; i < 17; i++) assert.ok(budget.tryAcquire());
  assert.equal(budget.alarmed(), false, '3 of 20 left');
  assert.ok(budget.tryAcquire());
  assert.equal(budget.alarmed(), false, '2 of 20 left: exactly a tenth');
  assert.ok(budget.tryAcquire());
  assert.equal(budget.alarmed(), true, '1 of 20 left');
  clock.advance(11_000);
  assert.equal(budget.alarmed(), false, 'the window slid: the floor of 3, none spent');
});

test('buckets a tenth of the window wide: a spend counts for the whole window, then ages out with its bucket', () => {
  const clock = new FakeClock(0);
  const budget = retryBudget({ ratio: 0, minRetries: 1, windowMs: 10_000 }, clock);
  clock.advance(500);
  assert.ok(budget.tryAcquire());
  clock.advance(10_499); // 10,999 ms: its bucket (0–1,000) still overlaps the window
  assert.equal(budget.available(), 0);
  clock.advance(1); // 11,000 ms: the bucket has left the window
  assert.equal(budget.available(), 1);
});

test('new settings apply to what the window holds; reset forgets it', () => {
  const clock = new FakeClock();
  const budget = retryBudget({ ratio: 0.1, minRetries: 0, windowMs: 60_000 }, clock);
  for (let i = 0; i < 50; i++) budget.recordRequest();
  assert.equal(budget.available(), 5);
  budget.updateSettings(retryWindow({ ratio: 0.5, minRetries: 0, windowMs: 60_000 }));
  assert.equal(budget.available(), 25, 'the same 50 requests under the new ratio');
  budget.reset();
  assert.equal(budget.available(), 0);
  budget.updateSettings(hedgeWindow({ ratio: 0.5, minPerWindow: 2, windowMs: 60_000 }));
  assert.equal(budget.available(), 2, 'the floor after a reset');
});
