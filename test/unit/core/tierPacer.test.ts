import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TierPacer, paceCheck } from '../../../src/core/policies/tierPacer';
import type { PaceBooking, PaceEstimate } from '../../../src/core/policies/tierPacer';
import { FakeClock } from '../../support/fakeClock';

const ROUTE = 'anthropic:claude-opus-5-5';
const small: PaceEstimate = { priority: 'interactive', inputTokens: 10, outputTokens: 10 };
const background: PaceEstimate = { ...small, priority: 'background' };

/** An RFC 3339 reset as the API sends it: to the second (the fraction dropped). */
function resetText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function headers(limit: number, remaining: number, resetAt: number | null, extra: Record<string, string> = {}): Headers {
  const h = new Headers({ 'anthropic-ratelimit-requests-limit': String(limit), 'anthropic-ratelimit-requests-remaining': String(remaining), ...extra });
  if (resetAt !== null) h.set('anthropic-ratelimit-requests-reset', resetText(resetAt));
  return h;
}

function setup(onSpent?: (key: string, until: number) => void): { clock: FakeClock; pacer: TierPacer } {
  const clock = new FakeClock(1_700_000_000_000);
  return { clock, pacer: new TierPacer(() => clock.now(), onSpent ? { onSpent } : {}) };
}

/** Books requests while the pacer lets them go at once; returns how many went. */
function sendWhileFree(pacer: TierPacer, estimate: PaceEstimate, max = 1000): PaceBooking[] {
  const booked: PaceBooking[] = [];
  while (booked.length < max && pacer.check(ROUTE, estimate).waitMs === 0) booked.push(pacer.book(ROUTE, estimate));
  return booked;
}

test('nothing is paced before the limits are known', { timeout: 5000 }, () => {
  const { pacer } = setup();
  assert.equal(sendWhileFree(pacer, small, 50).length, 50);
});

test('interactive work uses the tier up to its last request, counting the requests still out', { timeout: 5000 }, () => {
  const spent: number[] = [];
  const { clock, pacer } = setup((_key, until) => spent.push(until));
  const resetAt = clock.now() + 60_000;
  const first = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(20, 19, resetAt), first);
  // 19 left and nothing has answered since: exactly 19 more go, none beyond (no 429 to be had).
  assert.equal(sendWhileFree(pacer, small).length, 19);
  const check = pacer.check(ROUTE, small);
  assert.equal(check.why, 'spent');
  // The reset is given to the second: the wait covers the whole second after it.
  assert.equal(check.waitMs, 61_000);
  assert.deepEqual(spent.at(-1), resetAt + 1_000, 'shown as held until then');
});

test('concurrent requests do not all read the same stale remaining', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const resetAt = clock.now() + 60_000;
  const a = pacer.book(ROUTE, small);
  const b = pacer.book(ROUTE, small);
  const c = pacer.book(ROUTE, small);
  // a's answer: 4 left after a; b and c were sent after a, so 2 are really left.
  pacer.observe(ROUTE, headers(6, 4, resetAt), a);
  assert.equal(sendWhileFree(pacer, small).length, 2);
  // b and c answer later: their headers agree, and what they said is not counted twice.
  pacer.observe(ROUTE, headers(6, 3, resetAt), b);
  pacer.settle(b);
  pacer.observe(ROUTE, headers(6, 2, resetAt), c);
  pacer.settle(c);
  pacer.settle(a);
  assert.equal(pacer.check(ROUTE, small).why, 'spent');
});

test('an answer that comes back late with less left in the same window is believed', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const resetAt = clock.now() + 60_000;
  const a = pacer.book(ROUTE, small);
  const b = pacer.book(ROUTE, small);
  // The server counted b before a: b's headers (newer booking) say 5 left, a's (older) say 4.
  pacer.observe(ROUTE, headers(10, 5, resetAt), b);
  pacer.observe(ROUTE, headers(10, 4, resetAt), a);
  pacer.settle(a);
  pacer.settle(b);
  assert.ok(sendWhileFree(pacer, small).length <= 4, 'never more than the lower count');
});

test('background work stops at the share; interactive work may use the reserve, and says so', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const first = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(10, 9, clock.now() + 60_000), first);
  // 80% of 10 = 8 in all, one already sent.
  assert.equal(sendWhileFree(pacer, background).length, 7);
  assert.equal(pacer.check(ROUTE, background).why, 'spent');
  const reserve = pacer.check(ROUTE, small);
  assert.equal(reserve.waitMs, 0);
  assert.equal(reserve.reserve, true);
  assert.equal(sendWhileFree(pacer, small).length, 2);
  // The share is the manager's setting.
  assert.equal(paceCheck(pacer, ROUTE, { mode: 'proactive', share: 1 }, background).why, 'spent');
  assert.equal(paceCheck(pacer, ROUTE, { mode: 'reactive', share: 0.8 }, small).waitMs, 0, 'reactive pacing never waits here');
});

test('after the reset one request probes; the others wait for its answer', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const resetAt = clock.now() + 30_400;
  const first = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(2, 0, resetAt), first);
  pacer.settle(first);
  const wait = pacer.check(ROUTE, small).waitMs;
  assert.ok(wait >= 30_400 && wait <= 31_400, `waits out the reset's second (${wait} ms)`);
  clock.advance(wait);
  const probe = sendWhileFree(pacer, small);
  assert.equal(probe.length, 1, 'one probe');
  const meanwhile = pacer.check(ROUTE, small);
  assert.equal(meanwhile.why, 'probing');
  assert.ok(meanwhile.waitMs > 0 && meanwhile.waitMs <= 1_000);
  // The probe finds the window refilled (a token bucket): the route flows again.
  pacer.observe(ROUTE, headers(2, 1, clock.now() + 60_000), probe[0]);
  pacer.settle(probe[0]!);
  assert.equal(sendWhileFree(pacer, small).length, 1);
});

test('a probe that never answers frees the way for the next one', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const first = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(1, 0, clock.now() + 1_000), first);
  clock.advance(2_000);
  const [probe] = sendWhileFree(pacer, small);
  assert.equal(pacer.check(ROUTE, small).why, 'probing');
  pacer.settle(probe!);
  assert.equal(pacer.check(ROUTE, small).waitMs, 0);
});

test('a 429 that names only its retry-after keeps a later announced reset', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const resetAt = clock.now() + 50_000;
  const a = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(5, 1, resetAt), a);
  const b = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(5, 0, null, { 'retry-after': '5' }), b);
  pacer.settle(b);
  assert.ok(pacer.check(ROUTE, small).waitMs > 45_000);
});

test('estimated tokens count too: a large request waits for the input tokens it needs', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const big: PaceEstimate = { priority: 'interactive', inputTokens: 30_000, outputTokens: 1_000 };
  const first = pacer.book(ROUTE, big);
  pacer.observe(
    ROUTE,
    new Headers({
      'anthropic-ratelimit-input-tokens-limit': '100000',
      'anthropic-ratelimit-input-tokens-remaining': '70000',
      'anthropic-ratelimit-input-tokens-reset': resetText(clock.now() + 20_000),
    }),
    first,
  );
  assert.equal(sendWhileFree(pacer, big).length, 2);
  assert.equal(pacer.check(ROUTE, big).why, 'spent');
  assert.equal(pacer.check(ROUTE, small).waitMs, 0, 'a small request still fits');
});

test('a booking never sent is taken back; routes are paced apart; reset forgets', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const first = pacer.book(ROUTE, small);
  pacer.observe(ROUTE, headers(2, 1, clock.now() + 60_000), first);
  const unsent = pacer.book(ROUTE, small);
  assert.equal(pacer.check(ROUTE, small).why, 'spent');
  pacer.cancel(unsent);
  assert.equal(pacer.check(ROUTE, small).waitMs, 0);
  assert.equal(pacer.check('anthropic:claude-haiku-5-5', small).waitMs, 0);
  pacer.book(ROUTE, small);
  pacer.reset(ROUTE);
  assert.equal(pacer.check(ROUTE, small).waitMs, 0);
  assert.throws(() => pacer.check(ROUTE, { ...small, share: 0 }), RangeError);
});

test('past the reset, background work probes no faster than its share of the limit', { timeout: 5000 }, () => {
  const { clock, pacer } = setup();
  const first = pacer.book(ROUTE, background);
  pacer.observe(ROUTE, headers(60, 0, clock.now() + 500), first);
  pacer.settle(first);
  clock.advance(2_000);
  let sent = 0;
  for (let step = 0; step < 600; step++) {
    if (pacer.check(ROUTE, background).waitMs === 0) {
      const probe = pacer.book(ROUTE, background);
      sent++;
      // A sliding window: each slot that frees is the only one left (remaining 0, next reset in 1 s).
      pacer.observe(ROUTE, headers(60, 0, clock.now() + 200), probe);
      pacer.settle(probe);
    }
    clock.advance(100);
  }
  // 60 s: at most 80% of 60.
  assert.ok(sent <= 48 && sent >= 40, `${sent} background requests in a minute`);
});
