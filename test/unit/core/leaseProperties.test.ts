// Route leases under random interleavings: several requests at once on a fake clock, each
// attempt answering fast, late (a hedge starts beside it), with a 529 or a 500, or falling
// silent (cut by the stall watchdog), and requests aborted at random moments. Whatever
// happens, every breaker permit, pacing booking and concurrency slot the run takes is
// settled exactly once — none leaked, none settled twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runRequest } from '../../../src/core/requestRun';
import type { RunDependencies } from '../../../src/core/runDependencies';
import { RouteState } from '../../../src/core/routeState';
import { TailState } from '../../../src/core/tailState';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import type { Release } from '../../../src/core/policies/limiter';
import type { CircuitBreaker } from '../../../src/core/policies/circuitBreaker';
import { RouteLease } from '../../../src/core/routeLease';
import { TierPacer } from '../../../src/core/policies/tierPacer';
import { DEFAULT_TAIL, defaultManagerConfig } from '../../../src/core/defaults';
import type { ManagerConfig, TailConfig } from '../../../src/core/contract';
import type { Outcome, Route } from '../../../src/core/types';
import type { ProviderClients } from '../../../src/core/providers';
import type { AttemptRequestOptions, MessagesClient, StreamParams } from '../../../src/core/wire';
import { FakeClock } from '../../support/fakeClock';
import { outcomeOnly } from './fakeTransport';
import type { Beat } from './timedTransport';
import { answer, start, TimedTransport, words } from './timedTransport';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 64 };

type Reply = { readonly kind: 'answer'; readonly firstMs: number } | { readonly kind: 'error'; readonly status: 529 | 500; readonly afterMs: number } | { readonly kind: 'silent' } | { readonly kind: 'broken' };

const replyArb: fc.Arbitrary<Reply> = fc.oneof(
  fc.record({ kind: fc.constant('answer' as const), firstMs: fc.constantFrom(0, 100, 400, 2_000) }),
  fc.record({ kind: fc.constant('error' as const), status: fc.constantFrom(529 as const, 500 as const), afterMs: fc.constantFrom(0, 50, 300) }),
  fc.constant({ kind: 'silent' as const }),
  fc.constant({ kind: 'broken' as const }),
);

const requestArb = fc.record({ startMs: fc.integer({ min: 0, max: 400 }), abortMs: fc.option(fc.integer({ min: 0, max: 6_000 }), { nil: null }) });

const scenarioArb = fc.record({
  concurrency: fc.integer({ min: 1, max: 3 }),
  requests: fc.array(requestArb, { minLength: 1, maxLength: 4 }),
  replies: fc.array(replyArb, { minLength: 1, maxLength: 24 }),
  learned: fc.boolean(),
});

function scriptOf(reply: Reply): Beat[] {
  if (reply.kind === 'answer') return answer('ok', reply.firstMs);
  if (reply.kind === 'silent') return [...start(), { silence: true }];
  return [...start(), ...words(['part'], 0, 50), { silence: true }];
}

function apiError(status: number): Error {
  const type = status === 529 ? 'overloaded_error' : 'api_error';
  return Object.assign(new Error(type), { name: 'APIError', status, error: { type: 'error', error: { type, message: type } }, headers: { get: () => null } });
}

/** Each call takes the next reply: an HTTP error after a while, or a stream on the fake clock. */
function transport(clock: FakeClock, replies: readonly Reply[]): ProviderClients {
  let next = 0;
  const client: MessagesClient = {
    baseURL: 'https://api.example.test',
    messages: {
      create: (params: StreamParams, options: AttemptRequestOptions) => {
        const reply = replies[next++ % replies.length]!;
        if (reply.kind !== 'error') return new TimedTransport(clock, [scriptOf(reply)]).client().messages.create(params, options);
        return {
          withResponse: async () => {
            if (reply.afterMs > 0) await clock.sleep(reply.afterMs, options.signal);
            throw apiError(reply.status);
          },
        };
      },
    },
  } as MessagesClient;
  return { clientFor: async () => ({ client, secret: '' }) } as unknown as ProviderClients;
}

/** Counts what the run takes and gives back on the real breakers, pacer and limiter. */
class Ledger {
  readonly problems: string[] = [];
  private readonly permits = new Map<CircuitBreaker, { granted: number; settled: number }>();
  private readonly bookings = new Map<string, number>();
  private readonly slots: { calls: number }[] = [];

  watchBreaker(breaker: CircuitBreaker): void {
    if (this.permits.has(breaker)) return;
    const count = { granted: 0, settled: 0 };
    this.permits.set(breaker, count);
    const tryAcquire = breaker.tryAcquire.bind(breaker);
    breaker.tryAcquire = () => {
      const permit = tryAcquire();
      if (permit !== null) count.granted += 1;
      return permit;
    };
    for (const name of ['release', 'recordSuccess', 'recordFailure'] as const) {
      const original = breaker[name].bind(breaker) as (...args: unknown[]) => void;
      (breaker as unknown as Record<string, (...args: unknown[]) => void>)[name] = (...args: unknown[]) => {
        count.settled += 1;
        if (count.settled > count.granted) this.problems.push(`${breaker.route.model}: a permit settled twice (${name})`);
        original(...args);
      };
    }
  }

  watchTier(tier: TierPacer): void {
    const book = tier.book.bind(tier);
    tier.book = (key, estimate) => {
      const booking = book(key, estimate);
      this.bookings.set(`${booking.routeKey}#${booking.seq}`, 0);
      return booking;
    };
    for (const name of ['settle', 'cancel'] as const) {
      const original = tier[name].bind(tier);
      tier[name] = (booking) => {
        const id = `${booking.routeKey}#${booking.seq}`;
        const times = (this.bookings.get(id) ?? 0) + 1;
        this.bookings.set(id, times);
        if (times > 1) this.problems.push(`booking ${id} settled twice (${name})`);
        original(booking);
      };
    }
  }

  watchLimiter(limiter: ConcurrencyLimiter, limit: number): void {
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async (priority, signal) => {
      const release = await acquire(priority, signal);
      if (limiter.inFlight > limit) this.problems.push(`${limiter.inFlight} slots in use, limit ${limit}`);
      const slot = { calls: 0 };
      this.slots.push(slot);
      const counted: Release = () => {
        slot.calls += 1;
        if (slot.calls > 1) this.problems.push('a slot released twice');
        release();
      };
      return counted;
    };
  }

  leaks(limiter: ConcurrencyLimiter): string[] {
    const leaks: string[] = [];
    for (const [breaker, count] of this.permits) if (count.granted !== count.settled) leaks.push(`${breaker.route.model}: ${count.granted} permits, ${count.settled} settled`);
    for (const [id, times] of this.bookings) if (times !== 1) leaks.push(`booking ${id} settled ${times} times`);
    const open = this.slots.filter((s) => s.calls !== 1).length;
    if (open > 0) leaks.push(`${open} slots not released`);
    if (limiter.inFlight !== 0 || limiter.waiting !== 0) leaks.push(`limiter: ${limiter.inFlight} in flight, ${limiter.waiting} waiting`);
    return leaks;
  }
}

async function turn(): Promise<void> {
  for (let i = 0; i < 12; i++) await new Promise((resolve) => setImmediate(resolve));
}

test('every permit, booking and slot is settled exactly once, whatever happens', async () => {
  // What the runs went through, so the property is known to have met hedges, fallbacks and aborts.
  const seen = { hedges: 0, fallbacks: 0, canceled: 0, answered: 0 };
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const clock = new FakeClock();
      const base = defaultManagerConfig();
      const tailConfig: TailConfig = { ...DEFAULT_TAIL, hedge: true };
      const config: ManagerConfig = {
        ...base,
        models: [OPUS, SONNET],
        providers: [{ id: 'anthropic', apiKey: () => 'k' }],
        retry: { ...base.retry, deadlineMs: 8_000 },
        headersTimeoutMs: 3_000,
        idleTimeoutMs: 1_500,
        tail: tailConfig,
      };
      const routes = new RouteState(config.breaker, config.budget, clock, () => undefined, 600_000, 60_000);
      const tail = new TailState(tailConfig, () => clock.now());
      if (scenario.learned) for (let i = 0; i < 10; i++) tail.tracker(`anthropic:${OPUS}`).record(0, 100);
      const limiter = new ConcurrencyLimiter(scenario.concurrency);
      const ledger = new Ledger();
      for (const model of [OPUS, SONNET]) ledger.watchBreaker(routes.breaker({ provider: 'anthropic', model } satisfies Route));
      ledger.watchTier(routes.tier);
      ledger.watchLimiter(limiter, scenario.concurrency);
      const deps: RunDependencies = { config, clock, random: () => 0.5, routes, limiter, clients: transport(clock, scenario.replies), emit: (e) => {
          if (e.type === 'stall' && e.action === 'hedge') seen.hedges += 1;
          if (e.type === 'fallback') seen.fallbacks += 1;
        },
        tail,
        attemptClock: clock,
      };

      const outcomes: (Outcome | null)[] = scenario.requests.map(() => null);
      const controllers = scenario.requests.map(() => new AbortController());
      const started = scenario.requests.map(() => false);
      for (let t = 0; t <= 20_000 && outcomes.some((o) => o === null); t += 25) {
        scenario.requests.forEach((request, i) => {
          if (!started[i] && t >= request.startMs) {
            started[i] = true;
            void runRequest(deps, ASK, { signal: controllers[i]!.signal, priority: 'interactive', clientRequestId: `rc_${i}`, ...outcomeOnly }).then((o) => {
              outcomes[i] = o;
            });
          }
          if (request.abortMs !== null && t >= request.startMs + request.abortMs) controllers[i]!.abort();
        });
        await turn();
        clock.advance(25);
      }
      await turn();
      assert.ok(
        outcomes.every((o) => o !== null),
        'every request ended',
      );
      assert.deepEqual(ledger.problems, []);
      assert.deepEqual(ledger.leaks(limiter), []);
      for (const o of outcomes) {
        if (o?.ok) seen.answered += 1;
        else if (o?.error.class === 'canceled') seen.canceled += 1;
      }
    }),
    { numRuns: 40 },
  );
  assert.ok(seen.hedges > 0 && seen.fallbacks > 0 && seen.canceled > 0 && seen.answered > 0, JSON.stringify(seen));
});

test('a lease settles once: a second settle changes nothing, and a lease that never ran cancels its booking', () => {
  const clock = new FakeClock();
  const config = defaultManagerConfig();
  const routes = new RouteState(config.breaker, config.budget, clock, () => undefined, 600_000, 60_000);
  const breaker = routes.breaker({ provider: 'anthropic', model: OPUS });
  const ledger = new Ledger();
  ledger.watchBreaker(breaker);
  ledger.watchTier(routes.tier);
  const limiter = new ConcurrencyLimiter(1);
  const permit = breaker.tryAcquire();
  assert.ok(permit !== null);
  const lease = new RouteLease(`anthropic:${OPUS}`, routes.tier, { breaker, permit });
  lease.book({ priority: 'interactive', inputTokens: 10, outputTokens: 10 });
  lease.settle('overloaded');
  lease.settle('success');
  lease.settle('release');
  assert.deepEqual(ledger.problems, []);
  assert.deepEqual(ledger.leaks(limiter), []);
  assert.equal(breaker.snapshot().consecutiveFailures, 1, 'the first verdict stands');
});

test('a lease that ran frees its slot when the attempt ends, and settles its booking', async () => {
  const clock = new FakeClock();
  const tier = new TierPacer(() => clock.now());
  const ledger = new Ledger();
  ledger.watchTier(tier);
  const limiter = new ConcurrencyLimiter(1);
  ledger.watchLimiter(limiter, 1);
  const lease = new RouteLease('anthropic:m', tier, null);
  lease.book({ priority: 'interactive', inputTokens: 10, outputTokens: 10 });
  await lease.takeSlot(limiter, 'interactive', new AbortController().signal, 1_000);
  assert.equal(limiter.inFlight, 1);
  await assert.rejects(lease.run(async () => Promise.reject(new Error('reset'))));
  assert.equal(limiter.inFlight, 0, 'freed when the attempt ended, before the verdict');
  lease.settle('transient');
  assert.deepEqual(ledger.problems, []);
  assert.deepEqual(ledger.leaks(limiter), []);
});
