// Hedging and the stall watchdog through the orchestrator, on a fake clock with
// a transport whose streams unfold in (fake) time: a hedge fires only past its
// threshold, once per request, within its budget, never when the route is in
// trouble; the loser is aborted at once; pings keep a slow answer alive; a stall
// mid-answer is continued without duplicating a word.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRequest } from '../../../src/core/requestRun';
import type { RunDependencies } from '../../../src/core/runDependencies';
import { RouteState } from '../../../src/core/routeState';
import { TailState } from '../../../src/core/tailState';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import { DEFAULT_TAIL, defaultManagerConfig } from '../../../src/core/defaults';
import type { ManagerConfig, TailConfig } from '../../../src/core/contract';
import type { ManagerEvent, Outcome, StreamPart } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';
import type { Beat } from './timedTransport';
import { answer, end, start, TimedTransport, words } from './timedTransport';
import { partsCaller } from './fakeTransport';

const OPUS = 'claude-opus-5-5';
const KEY = 'anthropic:claude-opus-5-5';
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 64 };

interface Rig {
  readonly clock: FakeClock;
  readonly transport: TimedTransport;
  readonly deps: RunDependencies;
  readonly events: ManagerEvent[];
  readonly routes: RouteState;
  readonly tail: TailState;
}

function rig(scripts: Beat[][], tailOverrides: Partial<TailConfig> = {}, models: readonly string[] = [OPUS]): Rig {
  const clock = new FakeClock();
  const transport = new TimedTransport(clock, scripts);
  const base = defaultManagerConfig();
  const tailConfig: TailConfig = { ...DEFAULT_TAIL, ...tailOverrides };
  const config: ManagerConfig = { ...base, models: [...models], providers: [{ id: 'anthropic', apiKey: () => 'k' }], tail: tailConfig };
  const events: ManagerEvent[] = [];
  const routes = new RouteState(config.breaker, config.budget, clock, (e) => events.push(e), 600_000, 60_000);
  const tail = new TailState(tailConfig, () => clock.now());
  // The route usually shows its first token within 100 ms: the hedge threshold is the 250 ms floor.
  for (let i = 0; i < 10; i++) tail.tracker(KEY).record(0, 100);
  const deps: RunDependencies = {
    config,
    clock,
    random: () => 0.5,
    routes,
    limiter: new ConcurrencyLimiter(4),
    clients: transport.clients(),
    emit: (e) => events.push(e),
    tail,
    attemptClock: clock,
  };
  return { clock, transport, deps, events, routes, tail };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Runs a request, moving the fake clock `stepMs` at a time until it ends (bounded). */
async function drive(r: Rig, parts: StreamPart[] = [], stepMs = 10, maxMs = 300_000): Promise<Outcome> {
  let done: Outcome | null = null;
  const outcome = runRequest(r.deps, ASK, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_test', ...partsCaller(parts) });
  void outcome.then((o) => {
    done = o;
  });
  for (let t = 0; t <= maxMs && done === null; t += stepMs) {
    await settle();
    if (done !== null) break;
    r.clock.advance(stepMs);
  }
  await settle();
  assert.ok(done !== null, 'the request ended');
  return done;
}

const text = (parts: readonly StreamPart[]): string => parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
const hedges = (events: readonly ManagerEvent[]) => events.filter((e) => e.type === 'stall' && e.action === 'hedge');

test('no hedge while the first token comes before the threshold', async () => {
  const r = rig([[...start(), ...words(['early'], 0, 200), ...end()]]);
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 1);
  assert.equal(hedges(r.events).length, 0);
  assert.equal(text(parts), 'early');
});

test('past the threshold a hedge starts; the first to answer wins and the other is aborted at once', async () => {
  const r = rig([
    [...start(), ...words(['slow'], 0, 2_000), ...end()],
    [...start('msg_2'), ...words(['fast'], 0, 20), ...end()],
  ]);
  const parts: StreamPart[] = [];
  let abortedAt: number | null = null;
  let hedgeFirstTokenAt: number | null = null;
  const outcome = runRequest(r.deps, ASK, {
    signal: new AbortController().signal,
    priority: 'interactive',
    clientRequestId: 'rc_test',
    ...partsCaller(parts, () => {
      hedgeFirstTokenAt ??= r.clock.now();
      if (r.transport.calls[0]?.signal.aborted) abortedAt ??= r.clock.now();
    }),
  });
  const box: { result: Outcome | null } = { result: null };
  void outcome.then((o) => {
    box.result = o;
  });
  for (let t = 0; t < 5_000 && box.result === null; t += 10) {
    await settle();
    r.clock.advance(10);
  }
  await settle();
  const done = box.result;
  assert.ok(done !== null);
  assert.ok(done.ok);
  assert.equal(r.transport.calls.length, 2, 'exactly one hedge');
  const hedge = hedges(r.events);
  assert.equal(hedge.length, 1);
  assert.ok(hedge[0]!.type === 'stall' && hedge[0]!.silentMs >= 250 && hedge[0]!.silentMs < 400, 'fired just past the 250 ms threshold');
  assert.equal(text(parts), 'fast', 'only the winner reached the caller');
  assert.equal(abortedAt, hedgeFirstTokenAt, 'the loser was aborted before the first part was handed on');
  assert.ok(done.attempts.some((a) => a.errorType === 'hedge_lost'));
  assert.equal(r.tail.countsFor(KEY).hedgesWon, 1);
});

test('at most one hedge per request, however late both attempts are', async () => {
  const r = rig([
    [...start(), ...words(['first'], 0, 3_000), ...end()],
    [...start('msg_2'), ...words(['second'], 0, 4_000), ...end()],
    answer('never'),
  ]);
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 2);
  assert.equal(hedges(r.events).length, 1);
  assert.equal(text(parts), 'first');
  assert.ok(r.transport.calls[1]!.signal.aborted, 'the hedge lost and was aborted');
});

test('never beyond the hedge budget', async () => {
  const slow = (): Beat[] => [...start(), ...words(['slow'], 0, 1_000), ...end()];
  const r = rig([slow(), answer('hedged'), slow(), answer('not used')], { hedgeBudget: { ratio: 0, minPerWindow: 1, windowMs: 60_000 } });
  assert.ok((await drive(r)).ok);
  assert.equal(r.transport.calls.length, 2, 'the first request hedged');
  const second = await drive(r);
  assert.ok(second.ok);
  assert.equal(r.transport.calls.length, 3, 'the second did not: the budget was spent');
  assert.equal(r.tail.countsFor(KEY).refused.budget, 1);
});

test('never while the retry budget is in alarm', async () => {
  const r = rig([[...start(), ...words(['slow'], 0, 1_000), ...end()], answer('not used')]);
  const budget = r.routes.budget({ provider: 'anthropic', model: OPUS });
  while (budget.tryAcquire()) {
    // spend the retries
  }
  const outcome = await drive(r);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 1);
  assert.equal(r.tail.countsFor(KEY).refused.retry_alarm, 1);
});

test('never in an outage (other requests failing on the route)', async () => {
  const r = rig([[...start(), ...words(['slow'], 0, 1_000), ...end()], answer('not used')]);
  const breaker = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 2; i++) breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  const outcome = await drive(r);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 1);
  assert.equal(r.tail.countsFor(KEY).refused.outage, 1);
});

test('pings every 15–30 s keep a long pause alive: no cut, no retry', async () => {
  const pause: Beat[] = [];
  // 90 s without a word (well past the 35 s floor), within the 120 s request deadline.
  for (let i = 0; i < 4; i++) pause.push({ afterMs: i % 2 === 0 ? 15_000 : 30_000, ping: true });
  const r = rig([[...start(), ...words(['Thinking', ' it', ' over'], 20), ...pause, ...words([' — done.'], 20), ...end()]]);
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts, 500);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 1);
  assert.equal(r.events.filter((e) => e.type === 'stall').length, 0);
  assert.equal(text(parts), 'Thinking it over — done.');
});

test('a stream that goes silent mid-answer is cut and continued without duplicating a word', async () => {
  const r = rig(
    [
      [...start(), ...words(['Hello', ' wor'], 20), { silence: true }],
      [...start('msg_2'), ...words(['ld', '!'], 20), ...end()],
    ],
    { stallFloorMs: 2_000 },
  );
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts, 50);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 2);
  const stall = r.events.find((e) => e.type === 'stall');
  assert.ok(stall?.type === 'stall' && stall.phase === 'mid_stream' && stall.action === 'reconnect' && stall.silentMs >= 2_000);
  const prefill = r.transport.calls[1]!.params.messages.at(-1);
  assert.deepEqual(prefill, { role: 'assistant', content: 'Hello wor' });
  assert.equal(text(parts), 'Hello world!');
  assert.equal(outcome.text, 'Hello world!');
  assert.equal(r.tail.countsFor(KEY).stalls, 1);
});

test('a body that sends nothing after its headers is cut just past how soon the route’s bodies start, and retried at once', async () => {
  const r = rig([[{ silence: true }], answer('fresh')]);
  // This route's bodies start within a couple of ms of the headers: the 50 ms floor governs.
  for (let i = 0; i < 10; i++) r.tail.firstByteTracker(KEY).record(0, i % 3);
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts, 5);
  assert.ok(outcome.ok);
  assert.equal(text(parts), 'fresh');
  assert.equal(hedges(r.events).length, 0, 'cut before the hedge threshold: no hedge needed');
  const stall = r.events.find((e) => e.type === 'stall');
  assert.ok(stall?.type === 'stall' && stall.phase === 'first_token' && stall.action === 'reconnect');
  assert.ok(stall.silentMs >= 50 && stall.silentMs < 100, `cut past the floor, not later (${stall.silentMs} ms)`);
  const wait = r.events.find((e) => e.type === 'wait');
  assert.ok(wait?.type === 'wait' && wait.delayMs === 0, 'the fresh connection is tried at once');
});

test('a route whose bodies start late is given its own time before a silent body is cut', async () => {
  const r = rig([[{ afterMs: 200, ping: true }, ...words(['late but alive'], 0, 10), ...end()]]);
  for (let i = 0; i < 10; i++) r.tail.firstByteTracker(KEY).record(0, 180 + i);
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts, 5);
  assert.ok(outcome.ok);
  assert.equal(text(parts), 'late but alive');
  assert.equal(r.events.filter((e) => e.type === 'stall' && e.action === 'reconnect').length, 0);
  assert.equal(r.transport.calls.length, 1);
});

test('the hedge budget is a share of the route’s requests', async () => {
  const r = rig([answer('a'), answer('b'), answer('c'), answer('d')], { hedgeBudget: { ratio: 0.5, minPerWindow: 0, windowMs: 60_000 } });
  assert.equal(r.tail.budget(KEY).available(), 0);
  for (let i = 0; i < 4; i++) assert.ok((await drive(r)).ok);
  assert.equal(r.tail.budget(KEY).available(), 2, 'half of four requests');
});

const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';
const CHAIN = [OPUS, SONNET, HAIKU];
const late = (): Beat[] => [...start(), ...words(['late'], 0, 2_000), ...end()];

test('a sick route (other requests failing on it) hedges on the next route; the answer comes from there', async () => {
  const r = rig([late(), [...start('msg_2'), ...words(['from sonnet'], 0, 20), ...end()]], {}, CHAIN);
  const opus = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 2; i++) opus.recordFailure(opus.tryAcquire()!, 'transient');
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts);
  assert.ok(outcome.ok);
  assert.equal(outcome.model, SONNET);
  assert.equal(text(parts), 'from sonnet');
  assert.deepEqual(r.transport.calls.map((c) => c.params.model), [OPUS, SONNET]);
  assert.ok(r.transport.calls[0]!.signal.aborted, 'the late attempt on the sick route was aborted');
  const hedge = hedges(r.events)[0];
  assert.ok(hedge?.type === 'stall' && hedge.model === OPUS && hedge.to?.model === SONNET, 'the stall names both routes');
  assert.ok(r.events.some((e) => e.type === 'fallback' && e.from.model === OPUS && e.to.model === SONNET));
  assert.equal(r.routes.breaker({ provider: 'anthropic', model: SONNET }).currentState(), 'closed');
  assert.equal(r.tail.countsFor(KEY).hedgesWon, 1);
});

test('a route whose first tokens are lately twice as slow hedges on the next well route, skipping a held or unknown one', async () => {
  const r = rig([late(), answer('from haiku', 20)], {}, CHAIN);
  for (let i = 0; i < 3; i++) r.tail.tracker(KEY).record(0, 400);
  assert.ok(r.tail.tracker(KEY).degraded());
  r.routes.unknownModels.remember({ provider: 'anthropic', model: SONNET });
  const parts: StreamPart[] = [];
  const outcome = await drive(r, parts);
  assert.ok(outcome.ok);
  assert.equal(outcome.model, HAIKU);
  assert.deepEqual(r.transport.calls.map((c) => c.params.model), [OPUS, HAIKU]);
  assert.equal(text(parts), 'from haiku');
});

test('the hedge on the next route carries the body adapted for its model; when the first attempt wins, the other route’s permit is given back', async () => {
  const r = rig([[...start(), ...words(['opus after all'], 0, 300), ...end()], late()], {}, [OPUS, SONNET]);
  const opus = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 2; i++) opus.recordFailure(opus.tryAcquire()!, 'transient');
  r.routes.rememberRefusesThinking({ provider: 'anthropic', model: SONNET });
  const parts: StreamPart[] = [];
  const ask = { ...ASK, max_tokens: 2_048, thinking: { type: 'enabled' as const, budget_tokens: 1_024 } };
  let done: Outcome | null = null;
  void runRequest(r.deps, ask, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_test', ...partsCaller(parts) }).then((o) => {
    done = o;
  });
  for (let t = 0; t < 5_000 && done === null; t += 10) {
    await settle();
    r.clock.advance(10);
  }
  await settle();
  const outcome = done as Outcome | null;
  assert.ok(outcome?.ok);
  assert.equal(outcome.model, OPUS);
  assert.deepEqual(r.transport.calls.map((c) => c.params.model), [OPUS, SONNET]);
  assert.ok(r.transport.calls[0]!.params.thinking !== undefined);
  assert.equal(r.transport.calls[1]!.params.thinking, undefined, 'thinking dropped for the model that refuses it');
  assert.ok(r.transport.calls[1]!.signal.aborted);
  const sonnet = r.routes.breaker({ provider: 'anthropic', model: SONNET });
  assert.ok(sonnet.tryAcquire() !== null, 'its permit was given back');
  assert.equal(text(parts), 'opus after all');
});

test('a sick route with no well route after it gets no hedge', async () => {
  const r = rig([late(), answer('not used')], {}, [OPUS, SONNET]);
  for (const model of [OPUS, SONNET]) {
    const breaker = r.routes.breaker({ provider: 'anthropic', model });
    for (let i = 0; i < 2; i++) breaker.recordFailure(breaker.tryAcquire()!, 'transient');
  }
  const outcome = await drive(r);
  assert.ok(outcome.ok);
  assert.equal(r.transport.calls.length, 1);
  assert.equal(r.tail.countsFor(KEY).refused.outage, 1);
});
