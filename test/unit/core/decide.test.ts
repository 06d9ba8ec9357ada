import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Decision, FailureView, RouteView } from '../../../src/core/decide';
import { decide, TIMEOUT_ATTEMPTS_PER_ROUTE } from '../../../src/core/decide';
import { ERROR_CLASS_POLICY } from '../../../src/core/errorClasses';
import { ERROR_CLASSES } from '../../../src/shared/vocabulary';
import type { ErrorClass } from '../../../src/shared/vocabulary';
import { initialBackoffState } from '../../../src/core/policies/backoff';

const RETRY = { maxAttempts: 6, maxAttemptsPerRoute: 3, deadlineMs: 120_000, baseDelayMs: 500, maxDelayMs: 8_000, retryAfterCapMs: 20_000 };
const BOUNDS = { retry: RETRY, remainingMs: 100_000, holdCapMs: 60_000 };
const NOW = 1_000_000;

function failure(errorClass: ErrorClass, extra: Partial<FailureView> = {}): FailureView {
  return { errorClass, status: null, retryAfterMs: null, unknownModel: false, modelSpecific: false, message: 'x', ...extra };
}

const FRESH: RouteView = {
  attemptsOnRoute: 1,
  canAttemptOnRoute: true,
  breakerAvailable: true,
  othersFailing: false,
  healthyLaterRoute: true,
  continuing: false,
  thinkingOn: false,
};

function run(f: FailureView, route: Partial<RouteView> = {}, budget = true, bounds = BOUNDS): Decision {
  return decide(f, { ...FRESH, ...route }, bounds, { retryAvailable: budget }, initialBackoffState, NOW, () => 0.5);
}

test('every class has a row, and the table decides on a fresh route: retry what may mend, move on from what will not', () => {
  for (const errorClass of ERROR_CLASSES) {
    const d = run(failure(errorClass));
    const policy = ERROR_CLASS_POLICY[errorClass];
    if (errorClass === 'canceled') assert.deepEqual(d, { kind: 'fail', errorClass: 'canceled' });
    else if (policy.retryRoute) assert.equal(d.kind, 'retry', errorClass);
    else assert.equal(d.kind, 'next_route', errorClass);
  }
});

test('reach: 401 ends the provider, 403 one route, spend limit the provider, unreachable the endpoint, a model-specific 400 one route', () => {
  const reach = (f: FailureView): string | undefined => {
    const d = run(f);
    return d.kind === 'next_route' ? d.reach : undefined;
  };
  assert.equal(reach(failure('auth', { status: 401 })), 'provider');
  assert.equal(reach(failure('auth', { status: 403 })), 'route');
  assert.equal(reach(failure('spend_limit', { status: 429 })), 'provider');
  assert.equal(reach(failure('unreachable')), 'endpoint');
  assert.equal(reach(failure('bad_request', { status: 400 })), 'provider');
  assert.equal(reach(failure('bad_request', { status: 400, modelSpecific: true })), 'route');
  assert.equal(reach(failure('bad_request', { status: 404, unknownModel: true })), 'route');
});

test('an unknown model is remembered; a thinking refusal adapts instead of failing; a rejected continuation keeps the answer', () => {
  const unknown = run(failure('bad_request', { status: 404, unknownModel: true }));
  assert.ok(unknown.kind === 'next_route' && unknown.unknownModel);
  assert.deepEqual(run(failure('bad_request', { status: 400, message: 'thinking is not supported on this model' }), { thinkingOn: true }), {
    kind: 'adapt',
    drop: 'thinking',
    modelRefuses: true,
  });
  const shape = run(failure('bad_request', { status: 400, message: 'Expected `thinking` or `redacted_thinking`, but found `text`' }), { thinkingOn: true });
  assert.ok(shape.kind === 'adapt' && !shape.modelRefuses, 'a request-shape refusal is not held against the model');
  assert.equal(run(failure('bad_request', { status: 400, message: 'thinking is not supported' }), { thinkingOn: false }).kind, 'next_route');
  for (const message of ['`max_tokens` must be greater than `thinking.budget_tokens`.', 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024', 'thinking: Input should be a valid dictionary']) {
    assert.equal(run(failure('bad_request', { status: 400, message }), { thinkingOn: true }).kind, 'next_route', `the caller's own thinking value: ${message}`);
  }
  assert.deepEqual(run(failure('bad_request', { status: 400 }), { continuing: true }), { kind: 'finish_incomplete' });
});

test('retryable classes move on when the route is spent, its breaker refuses, or it timed out twice', () => {
  for (const errorClass of ['overloaded', 'transient', 'timeout', 'rate_limited'] as const) {
    assert.equal(run(failure(errorClass), { canAttemptOnRoute: false }).kind, 'next_route', `${errorClass} spent`);
    assert.equal(run(failure(errorClass), { breakerAvailable: false }).kind, 'next_route', `${errorClass} breaker`);
  }
  assert.equal(run(failure('timeout'), { attemptsOnRoute: TIMEOUT_ATTEMPTS_PER_ROUTE }).kind, 'next_route');
  assert.equal(run(failure('timeout'), { attemptsOnRoute: TIMEOUT_ATTEMPTS_PER_ROUTE - 1 }).kind, 'retry');
});

test('route-wide overload with a healthy later route falls back at once; a lone burst retries', () => {
  assert.equal(run(failure('overloaded'), { othersFailing: true, healthyLaterRoute: true }).kind, 'next_route');
  assert.equal(run(failure('overloaded'), { othersFailing: true, healthyLaterRoute: false }).kind, 'retry');
  assert.equal(run(failure('overloaded'), { othersFailing: false, healthyLaterRoute: true }).kind, 'retry');
  // Rate limits do not feed the breaker, so others failing does not make them fall back.
  assert.equal(run(failure('rate_limited'), { othersFailing: true }).kind, 'retry');
});

test('a broken connection is retried at once, then after a small jitter, then with the backoff', () => {
  const reset = failure('transient', { status: null });
  const at = (retries: number): Decision => decide(reset, FRESH, BOUNDS, { retryAvailable: true }, { retries, previous: 0 }, NOW, () => 0.5);
  for (const f of [reset, failure('transient', { status: 502 }), failure('timeout')]) {
    const first = decide(f, FRESH, BOUNDS, { retryAvailable: true }, initialBackoffState, NOW, () => 0.99);
    assert.ok(first.kind === 'retry' && first.delayMs === 0, `${f.errorClass} ${f.status}: at once`);
  }
  const second = at(1);
  assert.ok(second.kind === 'retry' && second.delayMs > 0 && second.delayMs <= 50, 'the second waits a jitter of at most 50 ms');
  const third = at(2);
  assert.ok(third.kind === 'retry' && third.delayMs > 50, 'the third backs off as any other');
  const overloaded = run(failure('overloaded', { status: 529 }));
  assert.ok(overloaded.kind === 'retry' && overloaded.delayMs > 50, 'an overload is not a broken connection');
  assert.equal(run(reset, {}, false).kind, 'next_route', 'the retry budget still bounds them');
});

test('a spent retry budget moves on and says so', () => {
  const d = run(failure('overloaded'), {}, false);
  assert.ok(d.kind === 'next_route' && d.budgetSpent);
});

test('a retry-after within the cap is honoured exactly; beyond it the route is held (capped) and the request moves on', () => {
  const honoured = run(failure('rate_limited', { retryAfterMs: 3_000 }));
  assert.ok(honoured.kind === 'retry' && honoured.delayMs === 3_000 && honoured.fromServer);
  const long = run(failure('rate_limited', { retryAfterMs: 45_000 }));
  assert.ok(long.kind === 'next_route' && long.holdUntil === NOW + 45_000);
  const absurd = run(failure('rate_limited', { retryAfterMs: 10 * 60_000 }));
  assert.ok(absurd.kind === 'next_route' && absurd.holdUntil === NOW + 60_000, 'capped at the hold cap');
  const pastDeadline = run(failure('rate_limited', { retryAfterMs: 5_000 }), {}, true, { ...BOUNDS, remainingMs: 4_000 });
  assert.ok(pastDeadline.kind === 'next_route' && pastDeadline.holdUntil === NOW + 5_000);
});

test('an overload (529) that asks for longer than the cap holds the route (capped) and moves on at once', () => {
  const absurd = run(failure('overloaded', { status: 529, retryAfterMs: 24 * 60 * 60_000 }));
  assert.ok(absurd.kind === 'next_route' && absurd.holdUntil === NOW + BOUNDS.holdCapMs, JSON.stringify(absurd));
  const within = run(failure('overloaded', { status: 529, retryAfterMs: 2_000 }));
  assert.ok(within.kind === 'retry' && within.delayMs === 2_000 && within.fromServer, 'a hint within the cap is waited for');
  const none = run(failure('overloaded', { status: 529 }));
  assert.ok(none.kind === 'retry' && !none.fromServer, 'no hint: a computed backoff, no hold');
});

test('a backoff that would pass the deadline moves on instead of sleeping', () => {
  assert.equal(run(failure('overloaded'), {}, true, { ...BOUNDS, remainingMs: 10 }).kind, 'next_route');
});

test('property: a retry delay is never negative, never above the larger of maxDelay and the cap, never past the deadline', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<ErrorClass>(...ERROR_CLASSES),
      fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: null }),
      fc.integer({ min: 1, max: 200_000 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.record({ continuing: fc.boolean(), othersFailing: fc.boolean(), healthyLaterRoute: fc.boolean(), breakerAvailable: fc.boolean() }),
      (errorClass, retryAfterMs, remainingMs, r, view) => {
        const d = decide(failure(errorClass, { retryAfterMs }), { ...FRESH, ...view }, { ...BOUNDS, remainingMs }, { retryAvailable: true }, initialBackoffState, NOW, () => r);
        if (d.kind === 'retry') {
          assert.ok(d.delayMs >= 0);
          assert.ok(d.delayMs <= Math.max(RETRY.maxDelayMs, RETRY.retryAfterCapMs));
          assert.ok(d.delayMs < remainingMs);
          assert.ok(ERROR_CLASS_POLICY[errorClass].retryRoute);
        }
        if (d.kind === 'next_route' && d.holdUntil !== null) assert.ok(d.holdUntil - NOW <= BOUNDS.holdCapMs);
      },
    ),
  );
});
