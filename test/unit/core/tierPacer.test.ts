import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TierPacer } from '../../../src/core/policies/tierPacer';
import type { PaceEstimate } from '../../../src/core/policies/tierPacer';
import { FakeClock } from './fakeClock';

const ROUTE = 'anthropic:claude-opus-5-5';

function limits(requests: number, remaining = requests, tokens?: { input: number; output: number }): Headers {
  const h = new Headers({
    'anthropic-ratelimit-requests-limit': String(requests),
    'anthropic-ratelimit-requests-remaining': String(remaining),
    'anthropic-ratelimit-requests-reset': '2026-11-29T12:01:00Z',
  });
  if (tokens) {
    h.set('anthropic-ratelimit-input-tokens-limit', String(tokens.input));
    h.set('anthropic-ratelimit-input-tokens-remaining', String(tokens.input));
    h.set('anthropic-ratelimit-output-tokens-limit', String(tokens.output));
    h.set('anthropic-ratelimit-output-tokens-remaining', String(tokens.output));
  }
  return h;
}

const small: PaceEstimate = { priority: 'interactive', inputTokens: 10, outputTokens: 10 };

/** Sends every request as soon as the pacer allows; returns the send times (ms from start). */
function sendTimes(pacer: TierPacer, clock: FakeClock, count: number, estimate: PaceEstimate = small): number[] {
  const start = clock.now();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const delay = pacer.delayFor(ROUTE, estimate);
    clock.advance(delay);
    times.push(clock.now() - start);
  }
  return times;
}

test('nothing is paced before the limits are known', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  assert.deepEqual(sendTimes(pacer, clock, 5), [0, 0, 0, 0, 0]);
});

test('a steady load stays under 80% of the request limit in any minute', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(60));
  const times = sendTimes(pacer, clock, 200);
  for (let i = 0; i < times.length; i++) {
    const inMinute = times.filter((t) => t >= times[i]! && t < times[i]! + 60_000).length;
    assert.ok(inMinute <= 60 * 0.8 + 60 * 0.8 * 0.15 + 1, `at most the share plus its burst in a minute (got ${inMinute})`);
  }
  // Once the burst is spent, the rate is the share: 48 a minute.
  const perMinute = 99 / ((times.at(-1)! - times.at(-100)!) / 60_000);
  assert.ok(perMinute > 46 && perMinute <= 49, `paced at ${perMinute.toFixed(1)} a minute`);
});

test('the share is configurable per request (the manager passes its setting)', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(60));
  const times = sendTimes(pacer, clock, 100, { ...small, share: 0.5 });
  const perMinute = 49 / ((times.at(-1)! - times.at(-50)!) / 60_000);
  assert.ok(perMinute > 28 && perMinute <= 31, `paced at ${perMinute.toFixed(1)} a minute`);
});

test('estimated tokens are paced too: large requests are spaced by their size', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(1000, 1000, { input: 100_000, output: 20_000 }));
  const big: PaceEstimate = { priority: 'interactive', inputTokens: 20_000, outputTokens: 1_000 };
  const times = sendTimes(pacer, clock, 20, big);
  const minutes = (times.at(-1)! - times.at(-11)!) / 60_000;
  const inputPerMinute = (10 * big.inputTokens) / minutes;
  assert.ok(inputPerMinute <= 80_000 * 1.01, `input tokens paced at ${Math.round(inputPerMinute)} a minute`);
  assert.ok(inputPerMinute > 70_000, `and not far below the share (${Math.round(inputPerMinute)})`);
});

test('interactive work goes ahead of background work', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(60));
  // A background request waits for its paced slot even on an idle route after one send...
  assert.equal(pacer.delayFor(ROUTE, { ...small, priority: 'background' }), 0);
  assert.ok(pacer.delayFor(ROUTE, { ...small, priority: 'background' }) > 1_000);
  // ...while an interactive one may still use the burst.
  assert.equal(pacer.delayFor(ROUTE, small), 0);
});

test('a bucket others have nearly drained makes the route wait for it to refill', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(60, 0));
  const delay = pacer.delayFor(ROUTE, small);
  // Refilling 3 of 60 at 60 a minute takes 3 s.
  assert.ok(delay >= 2_900 && delay <= 3_100, `waited ${delay} ms`);
});

test('routes are paced apart, and reset forgets what was learned', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(1));
  pacer.delayFor(ROUTE, small);
  assert.ok(pacer.delayFor(ROUTE, small) > 0);
  assert.equal(pacer.delayFor('anthropic:claude-haiku-5-5', small), 0);
  pacer.reset(ROUTE);
  assert.equal(pacer.delayFor(ROUTE, small), 0);
});

test('a request that will not wait that long is not booked', { timeout: 5000 }, () => {
  const clock = new FakeClock();
  const pacer = new TierPacer(() => clock.now());
  pacer.observe(ROUTE, limits(6));
  while (pacer.delayFor(ROUTE, small) === 0);
  const wait = pacer.delayFor(ROUTE, { ...small, maxWaitMs: 0 });
  assert.ok(wait > 0);
  // Declined: the next request is not pushed further back by it.
  assert.ok(pacer.delayFor(ROUTE, { ...small, maxWaitMs: 0 }) <= wait);
});
