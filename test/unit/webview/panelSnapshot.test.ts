import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory } from '../../../src/core/history/createHistory';
import type { HistoryStorage } from '../../../src/core/history/historyTypes';
import type { ManagerEvent } from '../../../src/core/types';
import { buildPanelSnapshot, displayBucketsFor } from '../../../src/extension/diagnostics/panelSnapshot';
import { HISTORY_WINDOWS, WINDOW_MS } from '../../../src/webview/protocol';
import { tailLine } from '../../../src/webview/breakerView';

const memoryStorage = (): HistoryStorage => ({ read: async () => undefined, write: async () => undefined, setAside: async () => undefined });

function attempt(time: number, model: string, status: number | null, n: number): ManagerEvent {
  const errorClass = status === null ? null : status === 529 ? 'overloaded' : status === 429 ? 'rate_limited' : 'transient';
  return {
    type: 'attempt',
    time,
    provider: 'anthropic',
    model,
    attempt: 1,
    status: errorClass === null ? 200 : status,
    errorClass,
    errorType: errorClass === null ? null : 'overloaded_error',
    latencyMs: 20,
    requestId: `req_${n}`,
    clientRequestId: `rc_${n}`,
    message: errorClass === null ? undefined : 'Overloaded',
  };
}

describe('panel snapshot', () => {
  it('counts per model over each window equal the attempts recorded in it', { timeout: 10_000 }, async () => {
    let now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const history = createHistory({ storage: memoryStorage(), clock: { now: () => now } });
    const recorded: Array<{ time: number; model: string; status: number | null }> = [];
    let n = 0;
    // Two days of traffic, one attempt every 7 minutes, a 529 storm on opus in the last 20 min.
    for (let t = now - 2 * 24 * 3600_000; t < now; t += 7 * 60_000) {
      for (const model of ['claude-opus-5-5', 'claude-haiku-5-5']) {
        const storm = model === 'claude-opus-5-5' && now - t < 20 * 60_000;
        const status = storm ? 529 : n % 11 === 0 ? 429 : n % 13 === 0 ? 503 : null;
        history.record(attempt(t, model, status, n++));
        recorded.push({ time: t, model, status });
      }
    }
    for (let i = 1; i <= 10; i++) {
      history.record(attempt(now - i * 20_000, 'claude-opus-5-5', 529, n++));
      recorded.push({ time: now - i * 20_000, model: 'claude-opus-5-5', status: 529 });
    }
    now += 1000;
    for (const window of HISTORY_WINDOWS) {
      const display = displayBucketsFor(window, now);
      const snapshot = buildPanelSnapshot({
        window,
        now,
        history: history.snapshot({ sinceMs: display.firstStart, maxFailures: 1000 }),
        breakers: [],
        status: undefined,
        primaryModel: 'claude-opus-5-5',
      });
      assert.ok(snapshot.windowStart <= now - WINDOW_MS[window], `${window} covers the whole window`);
      for (const model of ['claude-opus-5-5', 'claude-haiku-5-5']) {
        const inWindow = recorded.filter((r) => r.model === model && r.time >= snapshot.windowStart);
        const shown = snapshot.models.find((m) => m.model === model);
        assert.ok(shown, `${model} shown for ${window}`);
        assert.equal(shown.totals.attempts, inWindow.length, `${window} ${model} attempts`);
        assert.equal(shown.totals.overloaded529, inWindow.filter((r) => r.status === 529).length, `${window} ${model} 529s`);
        assert.equal(shown.totals.rateLimited429, inWindow.filter((r) => r.status === 429).length);
        assert.equal(shown.totals.server5xx, inWindow.filter((r) => r.status === 503).length);
        const bucketSum = shown.buckets.reduce((s, b) => s + b.attempts, 0);
        assert.equal(bucketSum, shown.totals.attempts, 'buckets add up to the totals');
        assert.equal(shown.buckets.length, display.count);
        assert.equal(shown.buckets.at(-1)?.start, Math.floor(now / snapshot.bucketMs) * snapshot.bucketMs, 'the last bucket holds now');
      }
      const failuresInWindow = recorded.filter((r) => r.status !== null && r.time >= snapshot.windowStart).length;
      assert.equal(snapshot.failureCount, failuresInWindow, `${window} failure count`);
      assert.ok(snapshot.failures.every((f) => f.time >= snapshot.windowStart));
    }
    // The storm is above the 5% threshold: the alert fires for opus only.
    const snapshot = buildPanelSnapshot({
      window: '15m',
      now,
      history: history.snapshot({ sinceMs: now - WINDOW_MS['15m'] }),
      breakers: [{ provider: 'anthropic', model: 'claude-opus-5-5', state: 'open', since: now - 5000, nextProbeAt: now + 10_000, consecutiveFailures: 3, heldUntil: null }],
      status: undefined,
      primaryModel: null,
    });
    assert.deepEqual(snapshot.alert.firing.map((f) => f.model), ['claude-opus-5-5']);
    assert.equal(snapshot.breakers[0]?.recentFailureRate, 1, 'every recent opus attempt failed');
    await history.dispose();
  });
});

describe('panel snapshot secrets', () => {
  it('never carries a key that slipped into a failure message', { timeout: 5000 }, async () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH';
    const history = createHistory({ storage: memoryStorage(), clock: { now: () => now } });
    history.record({ ...attempt(now - 1000, 'claude-opus-5-5', 529, 1), message: `upstream said: invalid x-api-key ${key}` } as ManagerEvent);
    const snapshot = buildPanelSnapshot({
      window: '15m',
      now,
      history: history.snapshot({ sinceMs: now - WINDOW_MS['15m'] }),
      breakers: [],
      status: undefined,
      primaryModel: null,
    });
    assert.equal(snapshot.failures.length, 1);
    assert.ok(!JSON.stringify(snapshot).includes(key));
    assert.ok(!JSON.stringify(snapshot).includes('sk-ant-api03-abcdef'));
    await history.dispose();
  });
});

describe('hedges and stalls per route', () => {
  it('each breaker card counts the hedges and stalls of its route in the window', { timeout: 5000 }, async () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const history = createHistory({ storage: memoryStorage(), clock: { now: () => now } });
    let n = 0;
    const failed = (time: number, model: string, errorClass: 'canceled' | 'timeout', errorType: string, provider: 'anthropic' | 'bedrock' = 'anthropic'): ManagerEvent => ({
      ...(attempt(time, model, 529, n++) as Extract<ManagerEvent, { type: 'attempt' }>),
      provider,
      status: null,
      errorClass,
      errorType,
      message: errorType,
    });
    const opus = 'claude-opus-5-5';
    const sonnet = 'claude-sonnet-5-5';
    history.record(failed(now - 60_000, opus, 'canceled', 'hedge_lost'));
    history.record(failed(now - 50_000, opus, 'canceled', 'hedge_lost'));
    history.record(failed(now - 40_000, opus, 'timeout', 'stall'));
    history.record(failed(now - 30_000, sonnet, 'timeout', 'stall'));
    history.record(failed(now - 30_000, opus, 'timeout', 'stall', 'bedrock'));
    history.record(failed(now - 20_000, opus, 'canceled', 'request_canceled'));
    // Before the 15-minute window: not counted.
    history.record(failed(now - 3 * 3600_000, opus, 'canceled', 'hedge_lost'));
    const card = (provider: 'anthropic' | 'bedrock', model: string) => ({ provider, model, state: 'closed' as const, since: 0, nextProbeAt: null, heldUntil: null, consecutiveFailures: 0 });
    const snapshot = buildPanelSnapshot({
      window: '15m',
      now,
      history: history.snapshot({ sinceMs: now - 24 * 3600_000, maxFailures: 1000 }),
      breakers: [card('anthropic', opus), card('anthropic', sonnet), card('bedrock', opus), card('anthropic', 'claude-haiku-5-5')],
      status: undefined,
      primaryModel: opus,
    });
    const counts = snapshot.breakers.map((b) => [b.provider, b.model, b.hedges, b.stalls]);
    assert.deepEqual(counts, [
      ['anthropic', opus, 2, 1],
      ['anthropic', sonnet, 0, 1],
      ['bedrock', opus, 0, 1],
      ['anthropic', 'claude-haiku-5-5', 0, 0],
    ]);
    assert.equal(tailLine(snapshot.breakers[0]!), '2 hedges, 1 stall in this window');
    assert.equal(tailLine(snapshot.breakers[1]!), '1 stall in this window');
    assert.equal(tailLine(snapshot.breakers[3]!), null, 'nothing said for a route with neither');
    await history.dispose();
  });

  it('a hedge loser we aborted is no failure: not "other" in the history, not in the failures table or the card\'s failure rate', { timeout: 5000 }, async () => {
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const history = createHistory({ storage: memoryStorage(), clock: { now: () => now } });
    const opus = 'claude-opus-5-5';
    const won = attempt(now - 10_000, opus, null, 0) as Extract<ManagerEvent, { type: 'attempt' }>;
    history.record(won);
    history.record({ ...won, attempt: 2, status: null, errorClass: 'canceled', errorType: 'hedge_lost', message: 'a second attempt beside a late first token (hedge); the first attempt answered first' });
    const buckets = history.buckets({ model: opus, sinceMs: now - 60_000 });
    assert.deepEqual(
      buckets.reduce((t, b) => ({ attempts: t.attempts + b.attempts, other: t.other + b.other, successes: t.successes + b.successes }), { attempts: 0, other: 0, successes: 0 }),
      { attempts: 1, other: 0, successes: 1 },
    );
    const snapshot = buildPanelSnapshot({
      window: '15m',
      now,
      history: history.snapshot({ sinceMs: now - WINDOW_MS['15m'] }),
      breakers: [{ provider: 'anthropic', model: opus, state: 'closed', since: 0, nextProbeAt: null, heldUntil: null, consecutiveFailures: 0 }],
      status: undefined,
      primaryModel: opus,
    });
    assert.equal(snapshot.failures.length, 0);
    assert.equal(snapshot.failureCount, 0);
    assert.equal(snapshot.breakers[0]?.recentFailureRate, 0);
    assert.equal(snapshot.breakers[0]?.hedges, 1, 'still counted as a hedge');
    assert.equal(snapshot.models.find((m) => m.model === opus)?.totals?.other ?? 0, 0);
    await history.dispose();
  });
});
