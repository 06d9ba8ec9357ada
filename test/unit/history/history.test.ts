import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import type { HistoryAlert } from '../../../src/core/history/historyTypes';
import { attempt, DAY, MemoryStorage, MINUTE, overloaded, T0 } from './historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 10_000 };

function setup(extra: { maxFailures?: number; minAttempts?: number } = {}) {
  const clock = new FakeClock(T0);
  const storage = new MemoryStorage();
  const history = createHistory({
    storage,
    clock,
    maxFailures: extra.maxFailures,
    alert: { threshold: 0.05, windowMs: 5 * MINUTE, minAttempts: extra.minAttempts ?? 5 },
  });
  return { clock, storage, history };
}

describe('history buckets', () => {
  it('counts each attempt once per model, in the class its outcome belongs to', OPTS, () => {
    const { clock, history } = setup();
    clock.set(T0 + 2 * MINUTE);
    const sonnet = 'claude-sonnet-5-5';
    const opus = 'claude-opus-5-5';
    history.record(attempt({ model: sonnet, time: T0 + 1_000 }));
    history.record(attempt({ model: sonnet, time: T0 + 2_000 }));
    history.record(overloaded({ model: sonnet, time: T0 + 3_000 }));
    // A mid-stream overloaded_error arrives after HTTP 200 without a status: still a 529.
    history.record(overloaded({ model: sonnet, time: T0 + 4_000, status: null }));
    history.record(attempt({ model: sonnet, time: T0 + 5_000, status: 429, errorClass: 'rate_limited' }));
    history.record(attempt({ model: sonnet, time: T0 + 6_000, status: 503, errorClass: 'transient' }));
    history.record(attempt({ model: sonnet, time: T0 + 7_000, status: null, errorClass: 'timeout', errorType: 'stall' }));
    history.record(attempt({ model: sonnet, time: T0 + 8_000, status: 401, errorClass: 'auth' }));
    history.record(overloaded({ model: opus, time: T0 + MINUTE + 1 }));
    // Non-attempt events do not count.
    history.record({ type: 'request', time: T0, clientRequestId: 'x', ok: true, model: sonnet, attempts: 1, errorClass: null, latencyMs: 5 });

    const sonnetBuckets = history.buckets({ model: sonnet, sinceMs: T0 - DAY });
    assert.deepEqual(sonnetBuckets, [
      { model: sonnet, start: T0, attempts: 8, successes: 2, overloaded529: 2, rateLimited429: 1, server5xx: 1, other: 2 },
    ]);
    const opusBuckets = history.buckets({ model: opus, sinceMs: T0 - DAY });
    assert.deepEqual(
      opusBuckets.map((b) => [b.start, b.attempts, b.overloaded529]),
      [[T0 + MINUTE, 1, 1]],
    );
    assert.deepEqual(history.models(), [opus, sonnet]);
  });

  it('separates buckets by time and filters queries by window', OPTS, () => {
    const { history } = setup();
    for (let minute = 0; minute < 10; minute += 1) history.record(attempt({ time: T0 + minute * MINUTE + 30_000 }));
    const window = history.buckets({ sinceMs: T0 + 3 * MINUTE, untilMs: T0 + 5 * MINUTE + 59_999 });
    assert.deepEqual(
      window.map((b) => b.start),
      [T0 + 3 * MINUTE, T0 + 4 * MINUTE, T0 + 5 * MINUTE],
    );
    assert.equal(history.buckets({ model: 'claude-unknown', sinceMs: 0 }).length, 0);
  });

  it('keeps seven days of buckets and prunes what falls out of retention', OPTS, () => {
    const { clock, history } = setup();
    history.record(overloaded({ time: T0, requestId: 'req_week_old' }));
    clock.advance(7 * DAY);
    history.record(attempt({ time: clock.now() }));
    // Seven days later the first bucket and its failure are still there.
    assert.equal(history.buckets({ sinceMs: 0 }).length, 2);
    assert.equal(history.failures()[0]?.requestId, 'req_week_old');
    clock.advance(DAY + MINUTE);
    history.record(attempt({ time: clock.now() }));
    const left = history.buckets({ sinceMs: 0 });
    assert.deepEqual(
      left.map((b) => b.start),
      [T0 + 7 * DAY, T0 + 8 * DAY + MINUTE],
    );
    assert.deepEqual(history.failures(), []);
    // With no new attempts, a query a week on no longer shows what expired meanwhile.
    clock.advance(7 * DAY);
    assert.deepEqual(
      history.snapshot().buckets.map((b) => b.start),
      [T0 + 8 * DAY + MINUTE],
    );
    // An event already older than retention is not counted at all.
    history.record(attempt({ time: T0 }));
    assert.equal(history.buckets({ sinceMs: 0 }).length, 1);
  });

  it('stays bounded when requests name ever more models, dropping the least recently active', OPTS, () => {
    const clock = new FakeClock(T0);
    const history = createHistory({ storage: new MemoryStorage(), clock, maxModels: 3 });
    for (const [i, model] of ['model-a', 'model-b', 'model-c'].entries()) history.record(attempt({ model, time: T0 + i * MINUTE }));
    clock.advance(5 * MINUTE);
    history.record(attempt({ model: 'model-a', time: clock.now() }));
    history.record(attempt({ model: 'model-d', time: clock.now() }));
    assert.deepEqual(history.models(), ['model-a', 'model-c', 'model-d']);
  });

  it('rejects a retention shorter than a week', OPTS, () => {
    assert.throws(() => createHistory({ storage: new MemoryStorage(), retentionMs: 6 * DAY }), /at least 7 days/);
  });
});

describe('failure log', () => {
  it('keeps only the most recent failures up to its capacity, newest first', OPTS, () => {
    const { history } = setup({ maxFailures: 5 });
    for (let i = 0; i < 12; i += 1) history.record(overloaded({ time: T0 + i * 1_000, requestId: `req_f${i}` }));
    history.record(attempt({ time: T0 + 20_000 }));
    const failures = history.failures();
    assert.deepEqual(
      failures.map((f) => f.requestId),
      ['req_f11', 'req_f10', 'req_f9', 'req_f8', 'req_f7'],
    );
    // The counters still hold every attempt.
    assert.equal(history.buckets({ sinceMs: 0 })[0]?.overloaded529, 12);
  });

  it('records every field support needs and filters by model, class and time', OPTS, () => {
    const { history } = setup();
    history.record(
      overloaded({ time: T0 + 1, provider: 'vertex', model: 'claude-opus-5-5', attempt: 2, requestId: 'req_A', clientRequestId: 'rc_A', client: 'Claude Code 2.1.3' }),
    );
    history.record(attempt({ time: T0 + 2, status: 429, errorClass: 'rate_limited', errorType: 'rate_limit_error', message: 'slow down' }));
    const [opusFailure] = history.failures({ model: 'claude-opus-5-5' });
    assert.deepEqual(opusFailure, {
      time: T0 + 1,
      provider: 'vertex',
      model: 'claude-opus-5-5',
      attempt: 2,
      status: 529,
      errorClass: 'overloaded',
      errorType: 'overloaded_error',
      requestId: 'req_A',
      clientRequestId: 'rc_A',
      client: 'Claude Code 2.1.3',
      message: 'Overloaded',
    });
    assert.deepEqual(
      history.failures({ errorClass: 'rate_limited' }).map((f) => f.message),
      ['slow down'],
    );
    assert.equal(history.failures({ sinceMs: T0 + 2 }).length, 1);
  });
});

describe('529 alert', () => {
  it('fires once per incident and re-arms only after the rate falls back below the threshold', OPTS, () => {
    const { clock, history } = setup({ minAttempts: 5 });
    const fired: HistoryAlert[] = [];
    history.onAlert((alert) => fired.push(alert));
    const model = 'claude-sonnet-5-5';

    for (let i = 0; i < 19; i += 1) history.record(attempt({ time: clock.now() }));
    history.record(overloaded({ time: clock.now() }));
    // 1 of 20 is exactly 5 %: not above the threshold.
    assert.equal(fired.length, 0);
    assert.deepEqual(history.alerts(), []);

    history.record(overloaded({ time: clock.now() }));
    assert.equal(fired.length, 1);
    assert.equal(fired[0]?.model, model);
    assert.equal(fired[0]?.attempts, 21);
    assert.equal(fired[0]?.overloaded529, 2);
    assert.ok(Math.abs((fired[0]?.rate ?? 0) - 2 / 21) < 1e-9);

    // More 529s within the same incident do not fire again.
    for (let i = 0; i < 5; i += 1) history.record(overloaded({ time: clock.now() }));
    assert.equal(fired.length, 1);
    assert.deepEqual(
      history.alerts().map((a) => [a.model, a.overloaded529]),
      [[model, 7]],
    );
    assert.ok(history.rate529(model, 5 * MINUTE) > 0.05);

    // The storm passes: once the old 529s leave the window and successes follow, the incident ends.
    clock.advance(7 * MINUTE);
    for (let i = 0; i < 10; i += 1) history.record(attempt({ time: clock.now() }));
    assert.deepEqual(history.alerts(), []);
    assert.equal(history.rate529(model, 5 * MINUTE), 0);

    // A new storm is a new incident.
    for (let i = 0; i < 3; i += 1) history.record(overloaded({ time: clock.now() }));
    assert.equal(fired.length, 2);
    assert.ok((fired[1]?.startedAt ?? 0) > (fired[0]?.startedAt ?? 0));
  });

  it('does not alert on too few attempts to mean anything', OPTS, () => {
    const { clock, history } = setup({ minAttempts: 5 });
    const fired: HistoryAlert[] = [];
    history.onAlert((alert) => fired.push(alert));
    history.record(overloaded({ time: clock.now() }));
    history.record(overloaded({ time: clock.now() }));
    assert.equal(fired.length, 0);
    history.record(overloaded({ time: clock.now() }));
    history.record(attempt({ time: clock.now() }));
    history.record(attempt({ time: clock.now() }));
    assert.equal(fired.length, 1);
  });

  it('never alerts with a threshold of 1, the setting\'s maximum, even when every attempt is a 529', OPTS, () => {
    const clock = new FakeClock(T0);
    const history = createHistory({ storage: new MemoryStorage(), clock, alert: { threshold: 1, windowMs: 5 * MINUTE, minAttempts: 5 } });
    const fired: HistoryAlert[] = [];
    history.onAlert((alert) => fired.push(alert));
    for (let i = 0; i < 20; i += 1) history.record(overloaded({ time: clock.now() }));
    assert.equal(fired.length, 0);
    assert.deepEqual(history.alerts(), []);
    assert.equal(history.rate529('claude-sonnet-5-5', 5 * MINUTE), 1);
  });

  it('tracks each model separately', OPTS, () => {
    const { clock, history } = setup({ minAttempts: 1 });
    const fired: string[] = [];
    history.onAlert((alert) => fired.push(alert.model));
    history.record(attempt({ model: 'claude-opus-5-5', time: clock.now() }));
    history.record(overloaded({ model: 'claude-haiku-5-5', time: clock.now() }));
    assert.deepEqual(fired, ['claude-haiku-5-5']);
    assert.deepEqual(
      history.alerts().map((a) => a.model),
      ['claude-haiku-5-5'],
    );
  });
});

describe('live updates', () => {
  it('tells listeners about each recorded attempt and stops after unsubscribe', OPTS, () => {
    const { history } = setup();
    const seen: string[] = [];
    const stop = history.onChange((change) => seen.push(change.kind === 'attempt' ? change.model : change.kind));
    history.record(attempt({ model: 'claude-opus-5-5' }));
    stop();
    history.record(attempt({ model: 'claude-haiku-5-5' }));
    assert.deepEqual(seen, ['claude-opus-5-5']);
  });

  it('keeps working when a listener throws', OPTS, () => {
    const { history } = setup();
    history.onChange(() => {
      throw new Error('listener bug');
    });
    let calls = 0;
    history.onChange(() => (calls += 1));
    history.record(attempt());
    assert.equal(calls, 1);
    assert.equal(history.buckets({ sinceMs: 0 }).length, 1);
  });

  it('gives the webview a serialisable snapshot of buckets, failures and alerts', OPTS, () => {
    const { history, clock } = setup({ minAttempts: 1 });
    history.record(attempt({ time: clock.now() }));
    history.record(overloaded({ time: clock.now() + 1, requestId: 'req_snap' }));
    const snapshot = history.snapshot();
    const copy = JSON.parse(JSON.stringify(snapshot)) as typeof snapshot;
    assert.deepEqual(copy, snapshot);
    assert.equal(snapshot.buckets[0]?.attempts, 2);
    assert.equal(snapshot.failures[0]?.requestId, 'req_snap');
    assert.equal(snapshot.alerts[0]?.model, 'claude-sonnet-5-5');
    assert.equal(snapshot.alertRule.threshold, 0.05);
    assert.equal(snapshot.failureCount, 1);
    for (let i = 0; i < 5; i += 1) history.record(overloaded({ time: clock.now() }));
    const capped = history.snapshot({ maxFailures: 2 });
    assert.equal(capped.failures.length, 2);
    assert.equal(capped.failureCount, 6);
  });

  it('forgets everything on clear', OPTS, () => {
    const { history } = setup();
    history.record(overloaded());
    history.clear();
    assert.deepEqual(history.models(), []);
    assert.deepEqual(history.failures(), []);
  });
});
