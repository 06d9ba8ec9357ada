import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BreakerTransition } from '../../../src/core/policies/circuitBreaker';
import { CircuitBreaker, PROBE_LEASE_MS, PROBE_WAIT_MS } from '../../../src/core/policies/circuitBreaker';
import { FakeClock } from '../../support/fakeClock';

const route = { provider: 'anthropic' as const, model: 'claude-opus-5-5' };
const config = { failureThreshold: 3, openMs: 15_000, maxOpenMs: 60_000 };

function make(): { clock: FakeClock; breaker: CircuitBreaker; transitions: BreakerTransition[] } {
  const clock = new FakeClock();
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(route, config, () => clock.now(), (t) => transitions.push(t));
  return { clock, breaker, transitions };
}

test('three consecutive overloads open it; it refuses until the open period ends', { timeout: 5000 }, () => {
  const { clock, breaker, transitions } = make();
  for (let i = 0; i < 3; i++) breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.currentState(), 'open');
  assert.equal(breaker.tryAcquire(), null);
  assert.equal(breaker.snapshot().nextProbeAt, clock.now() + 15_000);
  assert.deepEqual(transitions.map((t) => t.to), ['open']);
});

test('auth and bad requests never open it; a success resets the count', { timeout: 5000 }, () => {
  const { breaker } = make();
  for (let i = 0; i < 10; i++) breaker.recordFailure(breaker.tryAcquire()!, i % 2 ? 'auth' : 'bad_request');
  assert.equal(breaker.currentState(), 'closed');
  breaker.recordFailure('normal', 'transient');
  breaker.recordFailure('normal', 'overloaded');
  breaker.recordSuccess('normal');
  breaker.recordFailure('normal', 'overloaded');
  assert.equal(breaker.currentState(), 'closed');
  assert.equal(breaker.snapshot().consecutiveFailures, 1);
});

test('half-open admits one probe; a failed probe doubles the open period up to the max; success closes', { timeout: 5000 }, () => {
  const { clock, breaker, transitions } = make();
  for (let i = 0; i < 3; i++) breaker.recordFailure('normal', 'overloaded');
  const openings: number[] = [];
  for (let round = 0; round < 4; round++) {
    const until = breaker.snapshot().nextProbeAt!;
    openings.push(until - clock.now());
    clock.advance(until - clock.now());
    const probe = breaker.tryAcquire();
    assert.equal(probe, 'probe');
    assert.equal(breaker.tryAcquire(), null, 'a second caller waits while the probe is out');
    breaker.recordFailure(probe!, 'overloaded');
  }
  assert.deepEqual(openings, [15_000, 30_000, 60_000, 60_000]);
  clock.advance(60_000);
  const probe = breaker.tryAcquire()!;
  breaker.recordSuccess(probe);
  assert.equal(breaker.currentState(), 'closed');
  assert.equal(transitions.at(-1)?.to, 'closed');
  for (let i = 0; i < 3; i++) breaker.recordFailure('normal', 'overloaded');
  assert.equal(breaker.snapshot().nextProbeAt! - clock.now(), 15_000, 'the period starts over after recovery');
});

test('a probe that ends neutrally (canceled, auth) frees the slot for the next probe', { timeout: 5000 }, () => {
  const { clock, breaker } = make();
  for (let i = 0; i < 3; i++) breaker.recordFailure('normal', 'transient');
  clock.advance(15_000);
  const probe = breaker.tryAcquire()!;
  breaker.release(probe);
  assert.equal(breaker.tryAcquire(), 'probe');
});

test('property: never more than one probe in flight while half-open', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.constant({ op: 'acquire' as const }),
          fc.record({ op: fc.constant('finish' as const), cls: fc.constantFrom('overloaded', 'transient', 'auth', 'success', 'release') }),
          fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 40_000 }) }),
        ),
        { maxLength: 150 },
      ),
      (ops) => {
        const { clock, breaker } = make();
        const held: Array<'normal' | 'probe'> = [];
        for (const step of ops) {
          if (step.op === 'tick') clock.advance(step.ms);
          else if (step.op === 'acquire') {
            const permit = breaker.tryAcquire();
            if (permit) held.push(permit);
          } else {
            const permit = held.shift();
            if (!permit) continue;
            if (step.cls === 'success') breaker.recordSuccess(permit);
            else if (step.cls === 'release') breaker.release(permit);
            else breaker.recordFailure(permit, step.cls);
          }
          assert.ok(held.filter((p) => p === 'probe').length <= 1);
          const snap = breaker.snapshot();
          if (snap.state === 'open') assert.ok(snap.nextProbeAt !== null && snap.nextProbeAt - clock.now() <= config.maxOpenMs);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('a lone burst is not route-wide trouble; failures from other requests one short of opening are', { timeout: 5000 }, () => {
  const { breaker } = make();
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.failingBeyond(2), false, 'both failures were the asking request\'s own');
  assert.equal(breaker.failingBeyond(1), true, 'another request failed here too and one more opens it');
  breaker.recordSuccess(breaker.tryAcquire()!);
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.failingBeyond(0), false, 'one failure is far from opening');
  breaker.recordFailure(breaker.tryAcquire()!, 'auth');
  assert.equal(breaker.failingBeyond(0), false, 'auth says nothing about capacity');
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.currentState(), 'open');
  assert.equal(breaker.failingBeyond(5), true, 'an open breaker is failing whatever the request saw');
});

test('a due probe that no request takes ends the wait: the breaker closes, and the next failure reopens it at once', { timeout: 5000 }, () => {
  const { clock, breaker, transitions } = make();
  for (let i = 0; i < 3; i++) breaker.recordFailure('normal', 'overloaded');
  const openedAt = clock.now();
  clock.advance(15_000);
  assert.equal(breaker.currentState(), 'half_open');
  assert.equal(breaker.snapshot().closesAt, openedAt + 15_000 + PROBE_WAIT_MS);
  clock.advance(PROBE_WAIT_MS - 1);
  assert.equal(breaker.currentState(), 'half_open', 'still waiting for its probe');
  clock.advance(1);
  const snap = breaker.snapshot();
  assert.equal(snap.state, 'closed');
  assert.equal(snap.since, openedAt + 15_000 + PROBE_WAIT_MS);
  assert.equal(snap.closesAt, null);
  assert.deepEqual(transitions.map((t) => t.to), ['open', 'closed']);
  // Nothing says the route recovered: one more failure there reopens it.
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.currentState(), 'open');
});

test('an explicit half-open whose probe was released waits afresh, then closes; a probe never settled is lost after its lease', { timeout: 5000 }, () => {
  const { clock, breaker } = make();
  for (let i = 0; i < 3; i++) breaker.recordFailure('normal', 'transient');
  clock.advance(15_000);
  breaker.release(breaker.tryAcquire()!);
  clock.advance(PROBE_WAIT_MS / 2);
  assert.equal(breaker.currentState(), 'half_open');
  clock.advance(PROBE_WAIT_MS / 2);
  assert.equal(breaker.currentState(), 'closed');

  const other = make();
  for (let i = 0; i < 3; i++) other.breaker.recordFailure('normal', 'transient');
  other.clock.advance(15_000);
  assert.equal(other.breaker.tryAcquire(), 'probe');
  other.clock.advance(PROBE_LEASE_MS - 1);
  assert.equal(other.breaker.tryAcquire(), null, 'the probe is still out');
  assert.equal(other.breaker.snapshot().closesAt, null, 'a probe in flight is not waited for');
  other.clock.advance(1);
  assert.equal(other.breaker.tryAcquire(), 'probe', 'the lost probe no longer blocks the route');
});

test('in doubt (no success yet, or none since the last failure) it admits no more attempts at once than could open it', { timeout: 5000 }, () => {
  const { clock, breaker } = make();
  // A route nobody has seen answer: three out at once (the threshold), the fourth waits.
  const out = [breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()];
  assert.deepEqual(out, ['normal', 'normal', 'normal']);
  assert.equal(breaker.busyInDoubt(), true);
  assert.equal(breaker.tryAcquire(), null);
  assert.equal(breaker.currentState(), 'closed');
  // A verdict frees a place; a success proves the route: any number at once then.
  breaker.release('normal');
  assert.equal(breaker.tryAcquire(), 'normal');
  breaker.recordSuccess('normal');
  const many = Array.from({ length: 20 }, () => breaker.tryAcquire());
  assert.ok(many.every((permit) => permit === 'normal'));
  for (let i = 0; i < 20; i++) breaker.recordSuccess('normal');
  breaker.recordSuccess('normal');
  breaker.recordSuccess('normal');
  // A failure puts it in doubt again, with the places left before it opens (two, then one).
  breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.tryAcquire(), 'normal');
  assert.equal(breaker.tryAcquire(), 'normal');
  assert.equal(breaker.tryAcquire(), null);
  breaker.recordFailure('normal', 'overloaded');
  assert.equal(breaker.tryAcquire(), null, 'one out, one place left before it opens');
  // A permit never settled is let go after the probe lease.
  clock.advance(PROBE_LEASE_MS);
  assert.equal(breaker.tryAcquire(), 'normal');
  // Auth and bad requests say nothing of capacity: they neither prove nor doubt the route.
  breaker.recordFailure('normal', 'auth');
  assert.equal(breaker.busyInDoubt(), false);
});

test('in doubt: an answer started proves the route at once; a request that waited its time is admitted whatever is out', { timeout: 5000 }, () => {
  const { breaker } = make();
  for (let i = 0; i < 3; i++) breaker.tryAcquire();
  assert.equal(breaker.tryAcquire(), null);
  assert.equal(breaker.tryAcquire(true), 'normal', 'past its wait, a request goes');
  breaker.answerStarted();
  assert.equal(breaker.busyInDoubt(), false);
  assert.equal(breaker.tryAcquire(), 'normal');
  // The answer's own verdict still counts: a failure after it puts the route in doubt again.
  breaker.recordFailure('normal', 'overloaded');
  assert.equal(breaker.busyInDoubt(), true);
  assert.equal(breaker.currentState(), 'closed');
});
