// The orchestrator on a fake clock with a scripted transport: abort during every
// kind of wait, permits settled on every path, per-route failures, truthful
// "why none" outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRequest } from '../../../src/core/requestRun';
import type { RunDependencies } from '../../../src/core/runDependencies';
import { RouteState } from '../../../src/core/routeState';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { credentialId } from '../../../src/core/credentialScope';
import type { ManagerConfig } from '../../../src/core/contract';
import type { ManagerEvent, Outcome, StreamPart } from '../../../src/core/types';
import type { ProviderClients } from '../../../src/core/providers';
import { ProviderSetupError } from '../../../src/core/providers';
import { FakeClock } from '../../support/fakeClock';
import { outcomeOnly, partsCaller, ScriptedTransport, sdkError, textAnswer } from './fakeTransport';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 64 };

interface Rig {
  readonly clock: FakeClock;
  readonly deps: RunDependencies;
  readonly events: ManagerEvent[];
  readonly routes: RouteState;
  readonly limiter: ConcurrencyLimiter;
}

function rig(clients: ProviderClients, overrides: Partial<ManagerConfig> = {}, concurrency = 4): Rig {
  const clock = new FakeClock();
  const base = defaultManagerConfig();
  const config: ManagerConfig = {
    ...base,
    models: [OPUS, SONNET],
    providers: [{ id: 'anthropic', apiKey: () => 'k' }],
    ...overrides,
  };
  const events: ManagerEvent[] = [];
  const routes = new RouteState(config.breaker, config.budget, clock, (e) => events.push(e), 600_000, 60_000);
  const limiter = new ConcurrencyLimiter(concurrency);
  return { clock, events, routes, limiter, deps: { config, clock, random: () => 0.5, routes, limiter, clients, emit: (e) => events.push(e) } };
}

function start(r: Rig, signal: AbortSignal, parts: StreamPart[] = []): Promise<Outcome> {
  return runRequest(r.deps, ASK, { signal, priority: 'interactive', clientRequestId: 'rc_test', ...partsCaller(parts) });
}

/** Lets promise callbacks run until the orchestrator is parked on the fake clock (or done). */
async function settle(until: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((resolve) => setImmediate(resolve));
}

test('abort during a backoff wait ends the request as canceled with no further attempt', async () => {
  const transport = new ScriptedTransport([sdkError(529, 'overloaded_error'), textAnswer('late')]);
  const r = rig(transport.clients());
  const controller = new AbortController();
  const outcome = start(r, controller.signal);
  await settle(() => r.clock.pending > 0);
  assert.equal(r.clock.pending, 1, 'waiting to retry');
  controller.abort();
  const result = await outcome;
  assert.ok(!result.ok && result.error.class === 'canceled');
  assert.equal(transport.calls.length, 1);
  assert.equal(r.routes.breaker({ provider: 'anthropic', model: OPUS }).isAvailable(), true);
});

test('abort during a rate-limit hold wait ends the request as canceled', async () => {
  const transport = new ScriptedTransport([]);
  const r = rig(transport.clients(), { models: [OPUS] });
  // The hold is the credential's (the rig's key 'k'), as a 429 answered to it would place it.
  r.routes.pacer.hold(r.routes.seeLimit({ provider: 'anthropic', model: OPUS }, credentialId('k')), r.clock.now() + 5_000);
  const controller = new AbortController();
  const outcome = start(r, controller.signal);
  await settle(() => r.clock.pending > 0);
  controller.abort();
  const result = await outcome;
  assert.ok(!result.ok && result.error.class === 'canceled');
  assert.equal(transport.calls.length, 0);
});

test('abort while every route waits for a breaker probe ends the request as canceled', async () => {
  const transport = new ScriptedTransport([]);
  const r = rig(transport.clients(), { models: [OPUS] });
  const breaker = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 3; i++) breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  assert.equal(breaker.currentState(), 'open');
  const controller = new AbortController();
  const outcome = start(r, controller.signal);
  await settle(() => r.clock.pending > 0);
  assert.equal(r.clock.pending, 1, 'waiting for the probe');
  controller.abort();
  const result = await outcome;
  assert.ok(!result.ok && result.error.class === 'canceled');
});

test('abort while waiting for a limiter slot ends the request as canceled and frees the probe permit', async () => {
  const transport = new ScriptedTransport([]);
  const r = rig(transport.clients(), { models: [OPUS] }, 1);
  const breaker = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 3; i++) breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  r.clock.advance(60_000); // half-open: the next attempt is the single probe
  const held = await r.limiter.acquire('interactive', new AbortController().signal);
  const controller = new AbortController();
  const outcome = start(r, controller.signal);
  await settle(() => r.limiter.waiting > 0);
  controller.abort();
  const result = await outcome;
  held();
  assert.ok(!result.ok && result.error.class === 'canceled');
  assert.ok(breaker.isAvailable(), 'the probe permit was given back');
});

test('an error thrown out of the attempt path still gives the half-open probe permit back', async () => {
  const transport = new ScriptedTransport([sdkError(529, 'overloaded_error')]);
  const r = rig(transport.clients(), { models: [OPUS] });
  const breaker = r.routes.breaker({ provider: 'anthropic', model: OPUS });
  for (let i = 0; i < 3; i++) breaker.recordFailure(breaker.tryAcquire()!, 'overloaded');
  r.clock.advance(60_000);
  assert.equal(breaker.currentState(), 'half_open');
  const deps: RunDependencies = {
    ...r.deps,
    emit: (event) => {
      if (event.type === 'attempt') throw new Error('listener defect');
    },
  };
  await assert.rejects(runRequest(deps, ASK, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_x', ...outcomeOnly }));
  assert.ok(breaker.isAvailable(), 'the probe is not left in flight forever');
});

test('a provider without credentials ends its routes and says which provider', async () => {
  const clients = {
    clientFor: async () => {
      throw new ProviderSetupError('Set Vertex credentials.', 'missing_api_key');
    },
  } as unknown as ProviderClients;
  const r = rig(clients, { providers: [{ id: 'vertex', projectId: 'p', region: 'r' }] });
  const result = await start(r, new AbortController().signal);
  assert.ok(!result.ok && result.error.class === 'auth');
  assert.match(result.error.message, /Google Vertex AI/);
  assert.doesNotMatch(result.error.message, /API key/);
});

test('when nothing can be tried, the outcome says why: a prompt too large is not "try again shortly"', async () => {
  const transport = new ScriptedTransport([]);
  const r = rig(transport.clients());
  const huge = { messages: [{ role: 'user' as const, content: 'x'.repeat(4_000_000) }], max_tokens: 64 };
  const result = await runRequest(r.deps, huge, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_big', ...outcomeOnly });
  assert.ok(!result.ok && result.error.class === 'bad_request');
  assert.match(result.error.message, /too large for every model/);
  assert.doesNotMatch(result.error.message, /shortly/);
  assert.equal(transport.calls.length, 0);
});

test('a long hold on every route fails as rate-limited until a time, not as a circuit', async () => {
  const transport = new ScriptedTransport([]);
  const r = rig(transport.clients());
  for (const model of [OPUS, SONNET]) {
    r.routes.pacer.hold(r.routes.seeLimit({ provider: 'anthropic', model }, credentialId('k')), r.clock.now() + 50_000);
  }
  const result = await start(r, new AbortController().signal);
  assert.ok(!result.ok && result.error.class === 'rate_limited');
  assert.match(result.error.message, /rate-limited until \d\d:\d\d:\d\d/);
});
