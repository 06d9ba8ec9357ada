// A route's rate-limit state per credential (429 holds, the tier's learned limits, pacing
// bookings) on the shared route store: "Reset Circuit Breakers" returns a route — or every
// route — to its fresh state for every credential, and a credential's state is dropped once
// nothing of it is in force, so many clients' keys (or rotated ones) do not pile up, while a
// hold still ahead, a request still out or a limit before its reset is never dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentialId } from '../../../src/core/credentialScope';
import type { PaceEstimate } from '../../../src/core/policies/tierPacer';
import { RouteState } from '../../../src/core/routeState';
import { LIMIT_SWEEP_EVERY_MS, RouteStore } from '../../../src/core/routeStore';
import type { ManagerEvent, Route } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';

const opus: Route = { provider: 'anthropic', model: 'claude-opus-5-5' };
const sonnet: Route = { provider: 'anthropic', model: 'claude-sonnet-5-5' };
const ask: PaceEstimate = { priority: 'interactive', inputTokens: 10, outputTokens: 10 };
const HOLD_CAP_MS = 10 * 60_000;

function rig(): { clock: FakeClock; store: RouteStore; state: RouteState } {
  const clock = new FakeClock(1_700_000_000_000);
  const breaker = { failureThreshold: 3, openMs: 10_000, maxOpenMs: 60_000 };
  const budget = { ratio: 0.2, minRetries: 3, windowMs: 60_000 };
  const store = new RouteStore(clock, { breaker, budget, holdCapMs: HOLD_CAP_MS, unknownModelTtlMs: 600_000 });
  const events: ManagerEvent[] = [];
  const state = new RouteState(breaker, budget, clock, (e) => events.push(e), 600_000, HOLD_CAP_MS, [{ id: 'anthropic' }], store);
  return { clock, store, state };
}

/** The headers of an answer: `remaining` of `limit` requests left, refilled at `resetAt`. */
function limits(limit: number, remaining: number, resetAt: number): Headers {
  return new Headers({
    'anthropic-ratelimit-requests-limit': String(limit),
    'anthropic-ratelimit-requests-remaining': String(remaining),
    'anthropic-ratelimit-requests-reset': new Date(resetAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
}

/** One answered request of this limit key: booked, its headers read, settled. */
function answered(state: RouteState, key: string, headers: Headers): void {
  const booking = state.tier.book(key, ask);
  state.tier.observe(key, headers, booking);
  state.tier.settle(booking);
}

/** The tier spent and a 429's hold on `route` for credential `name`; returns its limit key. */
function spend(state: RouteState, clock: FakeClock, route: Route, name: string): string {
  const key = state.seeLimit(route, credentialId(name));
  answered(state, key, limits(5, 0, clock.now() + 30_000));
  state.pacer.hold(key, clock.now() + 30_000);
  return key;
}

function assertFresh(state: RouteState, key: string, what: string): void {
  assert.equal(state.tier.check(key, ask).waitMs, 0, `${what}: the tier's learned limits are forgotten`);
  assert.equal(state.pacer.delayFor(key), 0, `${what}: no hold`);
}

test("a reset of one route forgets every credential's holds and the tier's learned limits there, and nothing of another route", () => {
  const { clock, store, state } = rig();
  const a = spend(state, clock, opus, 'key-a');
  const b = spend(state, clock, opus, 'key-b');
  const own = state.seeLimit(opus, '');
  answered(state, own, limits(5, 0, clock.now() + 30_000));
  const other = spend(state, clock, sonnet, 'key-a');
  for (const key of [a, b, own]) assert.ok(state.tier.check(key, ask).waitMs > 0, 'spent before the reset');
  assert.ok(state.heldUntil(opus) !== null);

  state.reset(opus);
  assertFresh(state, a, 'key A');
  assertFresh(state, b, 'key B, which this manager never used for a request');
  assertFresh(state, own, 'the route without a credential');
  assert.equal(state.heldUntil(opus), null);
  assert.deepEqual(store.limitKeysOf(state.keyOf(opus)), [state.keyOf(opus)], 'the route is as new: no credential state left');
  assert.ok(state.tier.check(other, ask).waitMs > 0 && state.pacer.delayFor(other) > 0, "another route's state stays");
});

test('a reset of every route forgets every credential’s holds and learned limits; a request out when it came settles harmlessly', () => {
  const { clock, store, state } = rig();
  const keys = [spend(state, clock, opus, 'key-a'), spend(state, clock, opus, 'key-b'), spend(state, clock, sonnet, 'key-c')];
  const out = state.tier.book(keys[0]!, ask);
  state.reset();
  for (const key of keys) assertFresh(state, key, key);
  assert.deepEqual(store.limitKeys(), []);
  state.tier.observe(keys[0]!, limits(5, 4, clock.now() + 30_000), out);
  state.tier.settle(out);
  assert.equal(state.tier.check(keys[0]!, ask).waitMs, 0, 'the late answer is news of a fresh window');
});

test('a settings change that forgets a route forgets its learned limits for every credential', () => {
  const { clock, store, state } = rig();
  const a = spend(state, clock, opus, 'key-a');
  store.forget(state.keyOf(opus));
  assertFresh(state, a, 'key A');
});

test("a credential's rate-limit state is dropped once nothing of it is in force; live state never is", () => {
  const { clock, store, state } = rig();
  const stale: string[] = [];
  // Many clients' keys, each answered with its limits (reset in a minute), some held by a 429.
  for (let i = 0; i < 500; i++) {
    const key = state.seeLimit(opus, credentialId(`client-key-${i}`));
    answered(state, key, limits(50, 40, clock.now() + 60_000));
    if (i % 5 === 0) state.pacer.hold(key, clock.now() + 20_000);
    stale.push(key);
  }
  assert.ok(store.limitKeys().length >= 500, 'every key is kept while its limits are in force');

  // Live state, made later: a hold well ahead, a request still out, limits before their reset.
  clock.advance(50_000);
  const held = state.seeLimit(opus, credentialId('held'));
  state.pacer.hold(held, clock.now() + 5 * 60_000);
  const out = state.seeLimit(opus, credentialId('out'));
  answered(state, out, limits(50, 0, clock.now() + 15_000));
  const window = state.seeLimit(opus, credentialId('long-window'));
  answered(state, window, limits(10, 0, clock.now() + 4 * 60_000));

  // Every stale key's reset and hold is past, and a sweep is due: a request names its key.
  clock.advance(LIMIT_SWEEP_EVERY_MS);
  // (Past its reset, the spent key's next request is the probe, still out.)
  const outBooking = state.tier.book(out, ask);
  state.seeLimit(opus, credentialId('held'));
  const left = store.limitKeys();
  for (const key of stale) assert.ok(!left.includes(key), 'a key with nothing in force is dropped');
  assert.deepEqual(new Set(left), new Set([held, out, window]), 'what is still in force stays');
  assert.ok(state.pacer.delayFor(held) > 0, 'the hold ahead is kept');
  assert.ok(state.heldUntil(opus) !== null, 'and shown');
  assert.ok(state.tier.check(window, ask).waitMs > 0, 'limits before their reset are kept');
  assert.equal(state.tier.check(out, ask).why, 'probing', 'the request out is still counted: the next waits for its answer');

  // Once the request is answered and everything has passed, the last keys go too.
  state.tier.observe(out, limits(50, 49, clock.now() + 10_000), outBooking);
  state.tier.settle(outBooking);
  clock.advance(5 * 60_000);
  state.seeLimit(sonnet, '');
  assert.deepEqual(store.limitKeys(), []);
  assert.equal(state.tier.check(out, ask).waitMs, 0, 'a dropped key is as fresh');
});

test('a sweep runs at most once a minute, whatever the number of requests', () => {
  const { clock, store, state } = rig();
  const key = state.seeLimit(opus, credentialId('k'));
  answered(state, key, limits(50, 40, clock.now() + 1_000));
  clock.advance(LIMIT_SWEEP_EVERY_MS / 2);
  state.seeLimit(opus, credentialId('k'));
  assert.deepEqual(store.limitKeys(), [key], 'not yet due');
  clock.advance(LIMIT_SWEEP_EVERY_MS / 2);
  state.seeLimit(opus, credentialId('k'));
  assert.deepEqual(store.limitKeys(), []);
});

test('a claimed credential is the manager’s before any request spends it; each claimant sees its own holds only', () => {
  const { clock, store, state } = rig();
  const breaker = { failureThreshold: 3, openMs: 10_000, maxOpenMs: 60_000 };
  const budget = { ratio: 0.2, minRetries: 3, windowMs: 60_000 };
  // Another manager on the same store (another window, a client of the local endpoint) meets the 429s.
  const other = new RouteState(breaker, budget, clock, () => undefined, 600_000, HOLD_CAP_MS, [{ id: 'anthropic' }], store);
  other.breaker(opus);
  other.pacer.hold(other.seeLimit(opus, credentialId('mine')), clock.now() + 30_000);
  other.pacer.hold(other.seeLimit(opus, credentialId('theirs')), clock.now() + 40_000);
  assert.equal(state.heldUntil(opus), null, 'nothing claimed, nothing sent: no hold shown');

  state.claim('window-1', [credentialId('mine'), '']);
  state.claim('window-2', [credentialId('theirs')]);
  state.claim('window-3', ['']);
  assert.equal(state.heldUntil(opus), clock.now() + 40_000, "the manager's view: every claimed credential's");
  assert.equal(state.heldUntil(opus, 'window-1'), clock.now() + 30_000, "window 1 sees its own key's hold");
  assert.equal(state.heldUntil(opus, 'window-2'), clock.now() + 40_000);
  assert.equal(state.heldUntil(opus, 'window-3'), null, 'a client with no credential of its own sees none');
  assert.equal(state.allBreakers().length, 1);

  assert.equal(state.claim('window-1', [credentialId('mine')], true), false, "a request with the claimed key changes nothing");
  assert.equal(state.claim('window-1', [credentialId('new-key')]), true);
  assert.equal(state.heldUntil(opus, 'window-1'), null, 'a new key replaces the old claim');
  assert.equal(state.claim('window-1', [credentialId('theirs')], true), true, "a request's rotated key is added");
  assert.equal(state.heldUntil(opus, 'window-1'), clock.now() + 40_000, 'and its hold shows');
  for (let i = 0; i < 20; i++) state.claim('window-1', [credentialId(`rotated-${i}`)], true);
  assert.equal(state.heldUntil(opus, 'window-1'), null, 'a client keeps its latest few keys only');
  state.release('window-2');
  assert.equal(state.heldUntil(opus), null, 'a claimant gone: its key is no longer the manager’s');
});
