// Rate limits are the credential's, capacity the model's: on route state shared by several
// managers (the broker's windows and its local endpoint), a 429 met with one key holds that key's
// requests from every manager and no other key's; a 529's hold and the breaker stay everyone's.
// Each manager here sends with the key its request ids name, as the endpoint lends a client's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CredentialRequest, ManagerConfig, ProviderConfig } from '../../../src/core/contract';
import { credentialId, credentialScope } from '../../../src/core/credentialScope';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { ConcurrencyLimiter } from '../../../src/core/policies/limiter';
import { paceCheck } from '../../../src/core/policies/tierPacer';
import { runRequest } from '../../../src/core/requestRun';
import { RouteState } from '../../../src/core/routeState';
import { RouteStore } from '../../../src/core/routeStore';
import type { ManagerEvent, Outcome, Route } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';
import type { Step } from './fakeTransport';
import { outcomeOnly, ScriptedTransport, sdkError, textAnswer } from './fakeTransport';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const opus: Route = { provider: 'anthropic', model: OPUS };
const KEY_A = 'sk-ant-api03-client-a-SECRET';
const KEY_B = 'sk-ant-api03-client-b-SECRET';
const ASK = { model: OPUS, max_tokens: 64, messages: [{ role: 'user' as const, content: 'hi' }] };

/** The key of a request: its id says whose it is (`a…` or `b…`). */
function keyFor(request?: CredentialRequest): string | undefined {
  if (request === undefined) return undefined;
  return request.clientRequestId.startsWith('a') ? KEY_A : KEY_B;
}

const PROVIDER: ProviderConfig = { id: 'anthropic', apiKey: keyFor };

function resetText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Manager {
  readonly state: RouteState;
  readonly events: ManagerEvent[];
  run(clientRequestId: string): Promise<Outcome>;
}

function rig(script: (clock: FakeClock) => Step[]): { clock: FakeClock; transport: ScriptedTransport; manager: () => Manager } {
  const clock = new FakeClock(1_700_000_000_000);
  const config: ManagerConfig = { ...defaultManagerConfig(), models: [OPUS, SONNET], providers: [PROVIDER] };
  const store = new RouteStore(clock, { breaker: config.breaker, budget: config.budget, holdCapMs: 60_000, unknownModelTtlMs: 600_000 });
  const transport = new ScriptedTransport(script(clock));
  const limiter = new ConcurrencyLimiter(4);
  return {
    clock,
    transport,
    manager: () => {
      const events: ManagerEvent[] = [];
      const state = new RouteState(config.breaker, config.budget, clock, (e) => events.push(e), 600_000, 60_000, config.providers, store);
      const deps = { config, clock, random: () => 0.5, routes: state, limiter, clients: transport.clients(), emit: (e: ManagerEvent) => events.push(e) };
      return { state, events, run: (id) => runRequest(deps, ASK, { signal: new AbortController().signal, priority: 'interactive', clientRequestId: id, ...outcomeOnly }) };
    },
  };
}

/** The API's 429 for a spent request limit: retry-after and the limit's headers. */
function rateLimited(clock: FakeClock, retryAfterS: number): Step {
  return sdkError(429, 'rate_limit_error', {
    'retry-after': String(retryAfterS),
    'anthropic-ratelimit-requests-limit': '5',
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': resetText(clock.now() + retryAfterS * 1000),
  });
}

test('a credential is named by a keyed hash: stable, its own per key whichever header carries it, never the secret', async () => {
  assert.equal(credentialId(KEY_A), credentialId(KEY_A));
  assert.notEqual(credentialId(KEY_A), credentialId(KEY_B));
  assert.match(credentialId(KEY_A), /^cred:[0-9a-f]{16}$/);
  const request = { clientRequestId: 'a1' };
  assert.equal(await credentialScope(PROVIDER, request), credentialId(KEY_A));
  assert.equal(await credentialScope({ id: 'anthropic', apiKey: () => 'other', authToken: () => KEY_A }, request), credentialId(KEY_A), 'the bearer token is what is sent, and is the same key as by x-api-key');
  assert.equal(await credentialScope({ id: 'anthropic' }, request), '', 'no credential named: the route alone');
  assert.equal(await credentialScope({ id: 'vertex', projectId: 'p', apiKey: () => 'ya29.token' }, request), '', "Vertex's project names the account");
  assert.equal(await credentialScope({ id: 'anthropic', apiKey: () => Promise.reject(new Error('locked')) }, request), '', 'a failing callback is the attempt’s to report');
});

test("a 429 met with key A holds A's requests from every manager, not B's, until its retry-after", async () => {
  // A's first request meets the 429 (retry-after beyond what a request waits) and moves to Sonnet.
  const { clock, transport, manager } = rig((clock) => [rateLimited(clock, 30), textAnswer('a')]);
  const window = manager();
  const endpoint = manager();
  const other = manager();
  const a1 = await window.run('a1');
  assert.ok(a1.ok && a1.model === SONNET, 'A falls back at once');
  assert.deepEqual(transport.calls.map((c) => c.model), [OPUS, SONNET]);

  // B's request, on the same shared routes, goes to Opus at once: A's limit is not B's.
  const b1 = await other.run('b1');
  assert.ok(b1.ok && b1.model === OPUS, "B is answered by Opus, with no hold or wait");
  assert.equal(other.state.heldUntil(opus), null, "B's manager sees no hold");
  assert.ok(!other.events.some((e) => e.type === 'hold' || e.type === 'wait' || e.type === 'fallback'), 'B hears of no hold, waits for nothing');

  // A's next request from another manager (another window, another client) is held off Opus.
  const a2 = await endpoint.run('a2');
  assert.ok(a2.ok && a2.model === SONNET, "A's next request, from elsewhere, is not sent to Opus");
  assert.deepEqual(transport.calls.map((c) => c.model), [OPUS, SONNET, OPUS, SONNET]);
  const heldUntil = endpoint.state.heldUntil(opus);
  assert.ok(heldUntil !== null && heldUntil >= clock.now() + 29_000, "A's hold is shown to the manager that used A");
  assert.ok(endpoint.events.some((e) => e.type === 'fallback' && e.from.model === OPUS && e.reason === 'rate_limited'));

  // The tier's spent limit is A's too: B's requests are not paced by it.
  const estimate = { priority: 'interactive' as const, inputTokens: 10, outputTokens: 64 };
  const keyOf = (id: string): Promise<string> => credentialScope(PROVIDER, { clientRequestId: id }).then((scope) => window.state.seeLimit(opus, scope));
  assert.ok(paceCheck(window.state.tier, await keyOf('a'), undefined, estimate).waitMs > 0, "A's tier is spent");
  assert.equal(paceCheck(window.state.tier, await keyOf('b'), undefined, estimate).waitMs, 0, "B's is not");

  // After the reset A goes to Opus again.
  clock.advance(32_000);
  const a3 = await window.run('a3');
  assert.ok(a3.ok && a3.model === OPUS);
  const told = JSON.stringify([window.events, endpoint.events, other.events, window.state.store.routes()]);
  assert.ok(!told.includes('SECRET'), 'no key reaches an event or a key of the state');
});

test("a 529's hold and the breaker are the model's: they reach every key", async () => {
  const { transport, manager } = rig(() => [sdkError(529, 'overloaded_error', { 'retry-after': '30' }), textAnswer('a')]);
  const a = manager();
  const b = manager();
  const a1 = await a.run('a1');
  assert.ok(a1.ok && a1.model === SONNET);
  const b1 = await b.run('b1');
  assert.ok(b1.ok && b1.model === SONNET, "B is not sent to the overloaded model either");
  assert.deepEqual(transport.calls.map((c) => c.model), [OPUS, SONNET, SONNET]);
  assert.ok(b.state.heldUntil(opus) !== null);
  assert.equal(a.state.breaker(opus), b.state.breaker(opus), 'one breaker per model');
});

test('a reset or a settings change forgets every credential’s hold on the route', async () => {
  const { manager } = rig((clock) => [rateLimited(clock, 30), textAnswer('a'), rateLimited(clock, 30), textAnswer('a')]);
  const a = manager();
  await a.run('a1');
  assert.ok(a.state.heldUntil(opus) !== null);
  a.state.store.forget(a.state.keyOf(opus));
  assert.equal(a.state.heldUntil(opus), null);
  await a.run('a2');
  assert.ok(a.state.heldUntil(opus) !== null);
  a.state.reset(opus);
  assert.equal(a.state.heldUntil(opus), null);
});
