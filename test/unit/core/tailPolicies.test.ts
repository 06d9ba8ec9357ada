// The tail-latency policies on their own, on a fake clock: the first-token
// tracker's threshold, the stall watchdog and the hedge gate (the hedge budget: slidingWindowBudget.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FirstTokenTracker, selectRank } from '../../../src/core/policies/firstTokenTracker';
import { StallWatchdog } from '../../../src/core/policies/stallWatchdog';
import { hedgeRefusal, isDuplicable } from '../../../src/core/policies/hedgeGate';
import type { HedgeView } from '../../../src/core/policies/hedgeGate';
import { firstByteLimitMs } from '../../../src/core/tailState';
import { DEFAULT_TAIL } from '../../../src/core/defaults';

test('first-token threshold: cold until a few answers, then the high quantile × factor, never under the floor', () => {
  const tracker = new FirstTokenTracker();
  assert.equal(tracker.thresholdMs(100, 1.5, 250, 6_000), 6_000, 'cold');
  for (let i = 0; i < 20; i++) tracker.record(100, 100 + (i % 5) * 10);
  const learned = tracker.thresholdMs(100, 1.5, 50, 6_000);
  assert.ok(learned >= 1.5 * 140 * 0.99 && learned <= 1.5 * 150 * 1.3, `learned ${learned}`);
  assert.equal(tracker.thresholdMs(100, 1.5, 1_000, 6_000), 1_000, 'the floor wins over a fast route');
});

test('the quantile is selected as a sort would place it, ties and all, and a tracker refits in its kept buffer alike', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let trial = 0; trial < 500; trial++) {
    const n = 1 + Math.floor(random() * 64);
    const values = Float64Array.from({ length: n }, () => (random() < 0.3 ? Math.floor(random() * 4) : random() * 10));
    const sorted = Float64Array.from(values).sort();
    const rank = Math.floor(random() * n);
    const scratch = new Float64Array(64);
    scratch.set(values);
    assert.equal(selectRank(scratch, n, rank), sorted[rank], `trial ${trial}: rank ${rank} of ${n}`);
  }
  // The same samples give the same threshold whether fitted once or after fits of other windows.
  const once = new FirstTokenTracker();
  const refitted = new FirstTokenTracker();
  for (let i = 0; i < 70; i++) {
    refitted.record(100 + i, 200 + ((i * 37) % 90));
    refitted.thresholdMs(100, 1.5, 50, 6_000);
  }
  for (let i = 0; i < 70; i++) once.record(100 + i, 200 + ((i * 37) % 90));
  assert.equal(refitted.thresholdMs(150, 1.5, 50, 6_000), once.thresholdMs(150, 1.5, 50, 6_000));
});

test('first-token threshold scales with prompt size (a long prompt prefills longer)', () => {
  const tracker = new FirstTokenTracker();
  // 3 s plus 1 ms per input token, as a slow-prefill route does.
  for (let i = 0; i < 40; i++) {
    const tokens = (i % 10) * 900;
    tracker.record(tokens, 3_000 + tokens + (i % 3) * 50);
  }
  const short = tracker.thresholdMs(0, 1.5, 250, 6_000);
  const long = tracker.thresholdMs(8_100, 1.5, 250, 6_000);
  assert.ok(short >= 3_000 * 1.5 && short < 6_000, `short prompt ${short}`);
  assert.ok(long >= 11_100 * 1.5 && long < 20_000, `long prompt ${long}`);
});

test('a ping cadence never trips the stall watchdog, before or after content', () => {
  const limits = { firstByteMs: 1_000, beforeContentMs: 45_000, floorMs: 35_000, gapMultiple: 8 };
  let now = 0;
  const watchdog = new StallWatchdog(limits, now);
  watchdog.headers(now);
  watchdog.event(now); // message_start
  // A long prefill: pings every 15 s, then every 30 s (the API's observed cadence) for 10 minutes.
  for (let i = 0; i < 20; i++) {
    now += i < 10 ? 15_000 : 30_000;
    assert.ok(watchdog.stalledAt() > now, `tripped before content at ${now}`);
    watchdog.event(now);
  }
  watchdog.content(now);
  for (let i = 0; i < 50; i++) {
    now += 20;
    watchdog.event(now);
  }
  // The model pauses mid-answer, pinging every 30 s.
  for (let i = 0; i < 20; i++) {
    now += 30_000;
    assert.ok(watchdog.stalledAt() > now, `tripped mid-stream at ${now}`);
    watchdog.event(now);
  }
  assert.ok(watchdog.limitMs() >= 35_000);
});

test('the stall watchdog cuts true silence: no body byte after headers, or a flowing stream gone quiet', () => {
  const limits = { firstByteMs: 1_000, beforeContentMs: 45_000, floorMs: 35_000, gapMultiple: 8 };
  const dead = new StallWatchdog(limits, 0);
  dead.headers(100);
  assert.equal(dead.stalledAt(), 1_100, 'a body that never starts is cut after the first-byte limit');
  const slow = new StallWatchdog(limits, 0);
  slow.headers(0);
  slow.event(0);
  slow.content(0);
  // A slow stream: a chunk every 6 s; 8 × 6 s = 48 s of silence allowed, above the floor.
  for (let t = 6_000; t <= 60_000; t += 6_000) slow.event(t);
  assert.ok(slow.limitMs() >= 48_000 * 0.99, `adaptive limit ${slow.limitMs()}`);
  assert.equal(slow.stalledAt(), 60_000 + slow.limitMs());
});

const OPEN: HedgeView = { enabled: true, hedgedAlready: false, duplicable: true, outage: false, held: false, retryAlarm: false, budgetAvailable: true, cold: false, bodyStarted: true };

test('hedge gate: each reason refuses on its own', () => {
  assert.equal(hedgeRefusal(OPEN), null);
  assert.equal(hedgeRefusal({ ...OPEN, enabled: false }), 'disabled');
  assert.equal(hedgeRefusal({ ...OPEN, hedgedAlready: true }), 'already_hedged');
  assert.equal(hedgeRefusal({ ...OPEN, duplicable: false }), 'not_duplicable');
  assert.equal(hedgeRefusal({ ...OPEN, outage: true }), 'outage');
  assert.equal(hedgeRefusal({ ...OPEN, held: true }), 'held');
  assert.equal(hedgeRefusal({ ...OPEN, retryAlarm: true }), 'retry_alarm');
  assert.equal(hedgeRefusal({ ...OPEN, budgetAvailable: false }), 'budget');
  assert.equal(hedgeRefusal({ ...OPEN, cold: true }), 'cold_alive', 'no history and the body alive: no guess');
  assert.equal(hedgeRefusal({ ...OPEN, cold: true, bodyStarted: false }), null, 'no history but not one byte: a dead connection');
});

test('a request is duplicable unless the server would run tools for it', () => {
  assert.equal(isDuplicable({}), true);
  assert.equal(isDuplicable({ tools: [{ name: 'lookup', input_schema: { type: 'object' } }, { type: 'bash_20250124', name: 'bash' }] }), true);
  assert.equal(isDuplicable({ tools: [{ type: 'web_search_20250305', name: 'web_search' }] }), false);
  assert.equal(isDuplicable({ tools: [{ type: 'code_execution_20250825', name: 'code_execution' }] }), false);
  assert.equal(isDuplicable({ mcp_servers: [{ type: 'url', url: 'https://example.test', name: 'x' }] }), false);
});

test('a silent body is cut at the floor only on a route whose bodies are learned to start with their headers', () => {
  const learned = (ms: number): FirstTokenTracker => {
    const tracker = new FirstTokenTracker();
    for (let i = 0; i < 10; i++) tracker.record(100, ms);
    return tracker;
  };
  assert.equal(firstByteLimitMs(learned(2), DEFAULT_TAIL, 100, 250), DEFAULT_TAIL.firstByteFloorMs, 'message_start with the headers: 50 ms');
  assert.equal(firstByteLimitMs(learned(30), DEFAULT_TAIL, 100, 250), DEFAULT_TAIL.firstByteFloorMs, '× 1.5 still within the floor');
  assert.equal(firstByteLimitMs(learned(400), DEFAULT_TAIL, 100, 250), 500, 'bodies that start later keep the cautious rule');
  assert.equal(firstByteLimitMs(learned(400), DEFAULT_TAIL, 100, 4_000), 8_000, 'twice the hedge threshold');
  assert.equal(firstByteLimitMs(new FirstTokenTracker(), DEFAULT_TAIL, 100, 250), 500, 'not learned yet: cautious');
  assert.equal(firstByteLimitMs(null, DEFAULT_TAIL, 100, 6_000), 12_000);
});
