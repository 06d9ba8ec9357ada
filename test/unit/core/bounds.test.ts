import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RequestBounds } from '../../../src/core/policies/bounds';

test('per-route and total attempt limits and the deadline', { timeout: 5000 }, () => {
  const bounds = new RequestBounds({ maxAttempts: 3, maxAttemptsPerRoute: 2, deadlineMs: 1000 }, 0);
  bounds.recordAttempt('a');
  bounds.recordAttempt('a');
  assert.equal(bounds.canAttemptOn('a', 10), false);
  assert.equal(bounds.canAttemptOn('b', 10), true);
  bounds.recordAttempt('b');
  assert.equal(bounds.canAttempt(10), false);
  const fresh = new RequestBounds({ maxAttempts: 3, maxAttemptsPerRoute: 2, deadlineMs: 1000 }, 0);
  assert.equal(fresh.canAttempt(1000), false);
  assert.equal(fresh.fitsWait(500, 499), true);
  assert.equal(fresh.fitsWait(500, 500), false);
});

test('property: a loop that asks before each attempt never exceeds any bound', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 50 })), { maxLength: 60 }),
      (maxAttempts, perRoute, plan) => {
        const bounds = new RequestBounds({ maxAttempts, maxAttemptsPerRoute: perRoute, deadlineMs: 500 }, 0);
        let now = 0;
        let made = 0;
        for (const [route, step] of plan) {
          now += step;
          if (bounds.canAttemptOn(route, now)) {
            bounds.recordAttempt(route);
            made++;
            assert.ok(now < 500);
          }
        }
        assert.ok(made <= maxAttempts);
        for (const route of ['a', 'b', 'c']) assert.ok(bounds.attemptsOn(route) <= perRoute);
      },
    ),
    { numRuns: 300 },
  );
});
