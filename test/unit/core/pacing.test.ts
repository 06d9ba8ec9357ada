import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitPacer } from '../../../src/core/policies/pacing';
import { FakeClock } from '../../support/fakeClock';

test('requests-remaining 0 holds new attempts until the reset; a positive count does not', { timeout: 5000 }, () => {
  const clock = new FakeClock(Date.parse('2026-11-22T10:00:00Z'));
  const pacer = new RateLimitPacer(() => clock.now(), 60_000);
  pacer.observe('anthropic:m', new Headers({ 'anthropic-ratelimit-requests-remaining': '5', 'anthropic-ratelimit-requests-reset': '2026-11-22T10:00:30Z' }));
  assert.equal(pacer.delayFor('anthropic:m'), 0);
  pacer.observe('anthropic:m', new Headers({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2026-11-22T10:00:30Z' }));
  assert.equal(pacer.delayFor('anthropic:m'), 30_000);
  assert.equal(pacer.delayFor('anthropic:other'), 0);
  clock.advance(30_000);
  assert.equal(pacer.delayFor('anthropic:m'), 0);
});

test('a retry-after hold keeps the later of two holds', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new RateLimitPacer(() => clock.now(), 60_000);
  pacer.hold('r', clock.now() + 5000);
  pacer.hold('r', clock.now() + 1000);
  assert.equal(pacer.delayFor('r'), 5000);
});
