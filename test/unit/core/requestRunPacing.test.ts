// The orchestrator and the tier pacer on a fake clock: a request on a route whose limit is spent
// waits for the reset like a hold (announced, shown held) and then goes, rather than failing; with
// a later route that can go now it takes that one instead of waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRequest } from '../../../src/core/requestRun';
import { RouteState } from '../../../src/core/routeState';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { credentialId } from '../../../src/core/credentialScope';
import type { ManagerConfig } from '../../../src/core/contract';
import type { ManagerEvent, Outcome } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';
import { outcomeOnly, ScriptedTransport } from './fakeTransport';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const ASK = { messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 64 };

function resetText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function setup(models: string[]): { clock: FakeClock; events: ManagerEvent[]; transport: ScriptedTransport; run: () => Promise<Outcome>; spend: (resetInMs: number) => number } {
  const clock = new FakeClock(1_700_000_000_000);
  const config: ManagerConfig = { ...defaultManagerConfig(), models, providers: [{ id: 'anthropic', apiKey: () => 'k' }] };
  const events: ManagerEvent[] = [];
  const routes = new RouteState(config.breaker, config.budget, clock, (e) => events.push(e), 600_000, 60_000);
  const transport = new ScriptedTransport([]);
  const deps = { config, clock, random: () => 0.5, routes, limiter: new ConcurrencyLimiter(4), clients: transport.clients(), emit: (e: ManagerEvent) => events.push(e) };
  // What an earlier answer on Opus said: nothing left until the reset.
  const spend = (resetInMs: number): number => {
    // The tier of the credential the requests spend (the provider's key 'k').
    const key = routes.seeLimit({ provider: 'anthropic', model: OPUS }, credentialId('k'));
    const resetAt = clock.now() + resetInMs;
    const booking = routes.tier.book(key);
    routes.tier.observe(key, new Headers({ 'anthropic-ratelimit-requests-limit': '5', 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': resetText(resetAt) }), booking);
    routes.tier.settle(booking);
    return resetAt;
  };
  const run = (): Promise<Outcome> => runRequest(deps, ASK, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: 'rc_test', ...outcomeOnly });
  return { clock, events, transport, run, spend };
}

async function settle(until: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !until(); i++) await new Promise((resolve) => setImmediate(resolve));
}

test('a spent route is waited for until its reset, shown held, then the request goes', { timeout: 5000 }, async () => {
  const { clock, events, transport, run, spend } = setup([OPUS]);
  const resetAt = spend(5_000);
  const outcome = run();
  await settle(() => clock.pending > 0);
  assert.equal(transport.calls.length, 0, 'not sent to be refused');
  const wait = events.find((e) => e.type === 'wait');
  assert.ok(wait && wait.type === 'wait' && wait.reason === 'rate_limited' && wait.delayMs >= 5_000 && wait.delayMs <= 6_000, 'the wait is announced');
  assert.ok(events.some((e) => e.type === 'hold' && e.model === OPUS && e.until !== null && e.until >= resetAt), 'and the model shown held');
  clock.advance(6_000);
  await settle(() => transport.calls.length > 0);
  const done = await outcome;
  assert.ok(done.ok && done.model === OPUS);
  assert.equal(transport.calls.length, 1);
});

test('a later route that can go now is taken rather than waiting for the reset', { timeout: 5000 }, async () => {
  const { events, transport, run, spend } = setup([OPUS, SONNET]);
  spend(10_000);
  const done = await run();
  assert.ok(done.ok && done.model === SONNET);
  assert.deepEqual(transport.calls.map((c) => c.model), [SONNET]);
  assert.ok(events.some((e) => e.type === 'fallback' && e.from.model === OPUS && e.reason === 'rate_limited'));
  assert.ok(!events.some((e) => e.type === 'wait'), 'no wait');
});
