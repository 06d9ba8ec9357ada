import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asOf, breakerChanges } from '../../../src/broker/client/breakerSnapshots';
import type { BreakerSnapshot } from '../../../src/core/types';

const NOW = 1_800_000_000_000;
const open: BreakerSnapshot = { provider: 'anthropic', model: 'claude-opus-5-5', state: 'open', since: NOW - 5_000, nextProbeAt: NOW - 1, consecutiveFailures: 3, heldUntil: null };

test('a copy of an open breaker whose probe time has come reads as half-open; an ended hold is gone', () => {
  assert.equal(asOf(open, NOW).state, 'half_open');
  assert.equal(asOf({ ...open, nextProbeAt: NOW + 5_000 }, NOW).state, 'open');
  assert.equal(asOf({ ...open, state: 'closed', nextProbeAt: null, heldUntil: NOW - 1 }, NOW).heldUntil, null);
  assert.equal(asOf({ ...open, state: 'closed', nextProbeAt: null, heldUntil: NOW + 1 }, NOW).heldUntil, NOW + 1);
});

test('a reset seen as a new list yields one breaker event per route that changed', () => {
  const closed: BreakerSnapshot = { ...open, state: 'closed', nextProbeAt: null, consecutiveFailures: 0 };
  const sonnet: BreakerSnapshot = { ...closed, model: 'claude-sonnet-5-5' };
  const events = breakerChanges([open, sonnet], [closed, sonnet], NOW);
  assert.deepEqual(
    events.map((e) => (e.type === 'breaker' ? [e.model, e.from, e.to] : [])),
    [['claude-opus-5-5', 'half_open', 'closed']],
  );
});

test('a copy whose due probe no request took in time reads as closed', () => {
  const waiting: BreakerSnapshot = { ...open, closesAt: NOW + 60_000 };
  assert.equal(asOf(waiting, NOW).state, 'half_open');
  const closed = asOf(waiting, NOW + 60_000);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.since, NOW + 60_000);
  assert.equal(closed.nextProbeAt, null);
});
