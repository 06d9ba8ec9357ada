// Each request carries its own events: a caller hears exactly its request's attempts, waits,
// moves and end, in order, with a second request interleaved — in process and through the
// broker (where another client's request runs on the same shared manager). The manager's own
// bus still carries everyone's, for the status bar and history.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import type { SharedManager } from '../../../src/broker/client/sharedManager';
import type { RequestManager } from '../../../src/core/contract';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerEvent, Outcome, RequestEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { FakeClock } from '../../support/fakeClock';
import { ASK, OPUS, SONNET, TEST_KEY, scenario, testConfig } from '../core/harness';
import { ask, brokerEnv, eventually, inProcessBroker, requireBuild, runtimeDirs, sharedClient, startAsk } from './brokerKit';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;

before(async () => {
  await import('@anthropic-ai/sdk');
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  await broker.stop('test over');
  await sim.close();
});

/** One request followed through its own events. */
interface Followed {
  readonly events: RequestEvent[];
  readonly outcome: Promise<Outcome>;
}

function follow(manager: RequestManager, onFirst?: (event: RequestEvent) => void): Followed {
  const events: RequestEvent[] = [];
  const stream = manager.stream(ASK, {
    onEvent: (event) => {
      events.push(event);
      if (events.length === 1) onFirst?.(event);
    },
  });
  const outcome = (async () => {
    for await (const part of stream.parts) void part;
    return stream.outcome;
  })();
  return { events, outcome };
}

/** The events of `id` on a manager's bus: what a caller once had to pick out by hand. */
function ofRequest(bus: readonly ManagerEvent[], id: string): ManagerEvent[] {
  return bus.filter((e) => 'clientRequestId' in e && e.clientRequestId === id);
}

/** What a caller must see of its own request: only its own events, each attempt once, its end last. */
function assertOwn(followed: RequestEvent[], outcome: Outcome, bus: readonly ManagerEvent[], who: string): void {
  const id = outcome.clientRequestId;
  for (const event of followed) {
    if ('clientRequestId' in event) assert.equal(event.clientRequestId, id, `${who} heard only its own request (${event.type})`);
  }
  const attempts = followed.filter((e) => e.type === 'attempt');
  assert.equal(attempts.length, outcome.attempts.length, `${who} heard each of its attempts once`);
  assert.deepEqual(
    attempts.map((a) => a.attempt),
    outcome.attempts.map((a) => a.attempt),
  );
  assert.equal(followed.filter((e) => e.type === 'request').length, 1, `${who} heard its end once`);
  assert.equal(followed.at(-1)?.type, 'request', `${who}'s end came last`);
  // Nothing of its own request is missing: the bus's events for it, in the same order.
  assert.deepEqual(
    followed.filter((e) => 'clientRequestId' in e),
    ofRequest(bus, id),
  );
}

test('in process: two interleaved requests each hear exactly their own events', { timeout: 30_000 }, async () => {
  // One 529, then answers; the first request's retry sleeps on a manual clock while the second runs whole.
  sim.setScenario(scenario({ [OPUS]: { sequence: ['529', 'ok', 'ok'] } }));
  const clock = new FakeClock(Date.now());
  const manager = createRequestManager({ ...testConfig(sim.url), models: [OPUS, SONNET], clock, retry: { ...testConfig(sim.url).retry, baseDelayMs: 500, maxDelayMs: 500 } });
  const bus: ManagerEvent[] = [];
  manager.onEvent((event) => bus.push(event));
  try {
    let second: Followed | null = null;
    const first = follow(manager);
    // Waits for the first request's retry to be asleep, then runs a second one beside it.
    for (let i = 0; i < 400 && clock.pending === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(clock.pending, 1, 'the first request waits to retry');
    assert.ok(first.events.some((e) => e.type === 'wait'));
    second = follow(manager);
    const b = await second.outcome;
    clock.advance(1_000);
    const a = await first.outcome;
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    assert.notEqual(a.clientRequestId, b.clientRequestId);

    assertOwn(first.events, a, bus, 'the first caller');
    assertOwn(second.events, b, bus, 'the second caller');
    assert.deepEqual(first.events.map((e) => e.type), ['attempt', 'wait', 'attempt', 'request']);
    assert.deepEqual(second.events.map((e) => e.type), ['attempt', 'request']);
    // The bus had both, interleaved: the second request began and ended inside the first.
    const ids = bus.filter((e): e is Extract<ManagerEvent, { clientRequestId: string }> => 'clientRequestId' in e).map((e) => e.clientRequestId);
    assert.deepEqual(ids, [a.clientRequestId, a.clientRequestId, b.clientRequestId, b.clientRequestId, a.clientRequestId, a.clientRequestId]);
  } finally {
    manager.dispose();
    sim.setScenario(scenario({}));
  }
});

function client(name: string): SharedManager {
  return sharedClient(dir, { ...testConfig(sim.url), models: [OPUS, SONNET], retry: { ...testConfig(sim.url).retry, baseDelayMs: 300, maxDelayMs: 300 } }, name);
}

test('through the broker: two clients of one shared manager each hear only their own request', { timeout: 60_000 }, async () => {
  sim.setScenario(scenario({ [OPUS]: { sequence: ['529', 'ok', 'ok'] } }));
  const a = client('events-a');
  const b = client('events-b');
  const busOfA: ManagerEvent[] = [];
  const busOfB: ManagerEvent[] = [];
  a.onEvent((event) => busOfA.push(event));
  b.onEvent((event) => busOfB.push(event));
  try {
    await Promise.all([a.whenReady(), b.whenReady()]);
    assert.equal(a.sharing.mode, 'shared');
    assert.equal(b.sharing.mode, 'shared');
    // B's request starts as soon as A's first attempt has failed, while A waits to retry.
    let second: Followed | null = null;
    const first = follow(a, () => {
      second = follow(b);
    });
    const outcomeA = await first.outcome;
    assert.ok(second !== null, "the second request started inside the first");
    const started: Followed = second;
    const outcomeB = await started.outcome;
    assert.ok(outcomeA.ok && outcomeB.ok, JSON.stringify([outcomeA, outcomeB]));
    assert.ok(first.events.some((e) => e.type === 'wait'), 'A heard its retry announced');

    assertOwn(first.events, outcomeA, busOfA, 'client A');
    assertOwn(started.events, outcomeB, busOfB, 'client B');
    // Each client's bus still carries the other's request (status bar and history see every client's traffic).
    const sawOther = (bus: readonly ManagerEvent[], id: string): boolean => bus.some((e) => e.type === 'request' && e.clientRequestId === id);
    assert.ok(await eventually(() => sawOther(busOfA, outcomeB.clientRequestId) && sawOther(busOfB, outcomeA.clientRequestId)), 'both buses saw both requests');
  } finally {
    a.dispose();
    b.dispose();
    sim.setScenario(scenario({}));
  }
});

test('ask --broker: each command prints only its own request\'s progress, with another command running on the same manager', { timeout: 90_000 }, async () => {
  requireBuild();
  const { fresh, cleanUpAll } = runtimeDirs();
  // The first request streams for a few seconds; the second meets a 529 and retries meanwhile.
  sim.setScenario(scenario({ [OPUS]: { sequence: ['ok', '529', 'ok'] } }, { tokensPerSecond: 30, outputTokens: 90 }));
  try {
    const env = brokerEnv(fresh());
    const args = ['--broker', '--stream', '--base-url', sim.url, 'why share one breaker between windows'];
    const first = startAsk(args, env);
    assert.ok(await eventually(() => first.stdout().length >= 10, 30_000), 'the first answer is streaming');
    const second = await ask(args, env);
    const firstDone = await first.done;
    assert.equal(second.code, 0, second.stderr);
    assert.equal(firstDone.code, 0, firstDone.stderr);
    assert.equal(second.stderr.match(/retrying in/g)?.length, 1, `the second command told its own retry: ${second.stderr}`);
    assert.doesNotMatch(firstDone.stderr, /retrying in/, 'the first command did not tell the other one\'s retry');
  } finally {
    sim.setScenario(scenario({}));
    await cleanUpAll();
  }
});
