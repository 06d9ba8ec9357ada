// The route state several managers share (the broker's): one state per endpoint + model,
// the latest settings win for the shared policies, events reach the managers whose routes they
// concern, a reset reaches everyone, a settings change forgets only what it changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreakerConfig, BudgetConfig, ManagerConfig, ProviderConfig } from '../../../src/core/contract';
import { forgetChangedRoutes } from '../../../src/core/configChange';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { RouteState } from '../../../src/core/routeState';
import { RouteStore } from '../../../src/core/routeStore';
import { endpointOf, routeKey } from '../../../src/core/routes';
import { applySharedPolicies, createSharedRoutes } from '../../../src/core/sharedRoutes';
import type { ManagerEvent, Route } from '../../../src/core/types';
import { FakeClock } from '../../support/fakeClock';

const OPUS = 'claude-opus-5-5';
const API: ProviderConfig = { id: 'anthropic' };
const GATEWAY: ProviderConfig = { id: 'anthropic', baseURL: 'http://127.0.0.1:4000/v1' };
const opus: Route = { provider: 'anthropic', model: OPUS };
const breaker = (failureThreshold: number, openMs = 10_000): BreakerConfig => ({ failureThreshold, openMs, maxOpenMs: 60_000 });
const budget: BudgetConfig = { ratio: 0.2, minRetries: 3, windowMs: 60_000 };

interface View {
  readonly state: RouteState;
  readonly events: ManagerEvent[];
}

function rig(): { clock: FakeClock; store: RouteStore; view: (providers: readonly ProviderConfig[], threshold?: number) => View } {
  const clock = new FakeClock();
  const store = new RouteStore(clock, { breaker: breaker(3), budget, holdCapMs: 60_000, unknownModelTtlMs: 600_000 });
  return {
    clock,
    store,
    view: (providers, threshold = 3) => {
      const events: ManagerEvent[] = [];
      const state = new RouteState(breaker(threshold), budget, clock, (e) => events.push(e), 600_000, 60_000, providers, store);
      return { state, events };
    },
  };
}

function fail(state: RouteState, times: number): void {
  for (let i = 0; i < times; i++) {
    const b = state.breaker(opus);
    b.recordFailure(b.tryAcquire() ?? 'normal', 'overloaded');
  }
}

test('an endpoint is its provider and where it sends: the default base URL, a trailing slash or credentials in the URL change nothing', () => {
  assert.equal(endpointOf({ id: 'anthropic' }), endpointOf({ id: 'anthropic', baseURL: 'https://API.anthropic.com/' }));
  assert.equal(endpointOf({ id: 'anthropic', baseURL: 'http://u:p@127.0.0.1:4000/v1/' }), endpointOf(GATEWAY));
  assert.notEqual(endpointOf(API), endpointOf(GATEWAY));
  assert.notEqual(endpointOf({ id: 'bedrock', region: 'us-east-1' }), endpointOf({ id: 'bedrock', region: 'eu-west-1' }));
  assert.notEqual(endpointOf({ id: 'vertex', projectId: 'a', region: 'us-east5' }), endpointOf({ id: 'vertex', projectId: 'b', region: 'us-east5' }));
  assert.doesNotMatch(routeKey(opus, { id: 'anthropic', baseURL: 'http://u:secret@127.0.0.1:4000' }), /secret/);
  const bedrock: ProviderConfig = { id: 'bedrock', region: 'us-east-1' };
  assert.notEqual(routeKey({ provider: 'bedrock', model: OPUS }, bedrock), routeKey({ provider: 'bedrock', model: OPUS }, { ...bedrock, modelIds: { [OPUS]: 'us.anthropic.opus' } }), 'a mapped model id is another model on the endpoint');
});

test('two managers on one endpoint share the route whatever else differs; behind another base URL it is another route', () => {
  const { view } = rig();
  const a = view([API]);
  const b = view([API, { id: 'bedrock', region: 'us-east-1' }]);
  const gateway = view([GATEWAY]);
  fail(a.state, 3);
  assert.equal(b.state.breaker(opus), a.state.breaker(opus), 'one breaker');
  assert.equal(b.state.breaker(opus).currentState(), 'open');
  assert.equal(gateway.state.breaker(opus).currentState(), 'closed', 'the gateway route has a breaker of its own');
  assert.equal(b.state.budget(opus), a.state.budget(opus), 'one retry budget');
  assert.notEqual(gateway.state.budget(opus), a.state.budget(opus));
  assert.deepEqual(gateway.state.allBreakers().map((x) => x.currentState()), ['closed'], 'each manager lists its own routes only');
  assert.equal(a.state.allBreakers().length, 1);
});

test('a breaker transition and a hold reach every manager with that route, and no other', () => {
  const { view, clock } = rig();
  const a = view([API]);
  const b = view([API]);
  const gateway = view([GATEWAY]);
  gateway.state.breaker(opus);
  fail(a.state, 3);
  const opened = (v: View): number => v.events.filter((e) => e.type === 'breaker' && e.to === 'open').length;
  assert.equal(opened(a), 1);
  assert.equal(opened(b), 1, 'B hears of the breaker A opened');
  assert.equal(opened(gateway), 0);
  a.state.pacer.hold(a.state.see(opus), clock.now() + 5_000);
  assert.equal(b.state.heldUntil(opus), clock.now() + 5_000, 'B sees the hold A learnt');
  assert.equal(gateway.state.heldUntil(opus), null);
  assert.ok(b.events.some((e) => e.type === 'hold' && e.until !== null));
  assert.ok(!gateway.events.some((e) => e.type === 'hold'));
  b.state.dispose();
  const before = b.events.length;
  a.state.reset();
  assert.equal(b.events.length, before, 'a disposed view forwards nothing');
});

test('the latest settings win: a manager joining with other breaker settings sets them for the shared breaker, and a settings change sets them again', () => {
  const { view } = rig();
  const a = view([API], 3);
  fail(a.state, 2);
  const b = view([API], 5);
  fail(a.state, 1);
  assert.equal(a.state.breaker(opus).currentState(), 'closed', '3 failures no longer open it: B joined with a threshold of 5');
  fail(b.state, 2);
  assert.equal(a.state.breaker(opus).currentState(), 'open', 'the fifth does');
  a.state.reset();
  a.state.updateConfig(breaker(2), budget, 60_000);
  fail(b.state, 2);
  assert.equal(b.state.breaker(opus).currentState(), 'open', "A's settings change set a threshold of 2 for everyone");
});

test('the whole shared state follows the latest configuration: tail settings and the concurrency cap too', () => {
  const base = defaultManagerConfig();
  const shared = createSharedRoutes(base);
  const other: ManagerConfig = { ...base, concurrency: 2, breaker: breaker(7), tail: { ...base.tail!, hedge: false } };
  applySharedPolicies(shared, other);
  assert.equal(shared.store.policies.breaker.failureThreshold, 7);
  assert.equal(shared.tail.settings.hedge, false);
  applySharedPolicies(shared, base);
  assert.equal(shared.store.policies.breaker.failureThreshold, base.breaker.failureThreshold);
  assert.equal(shared.tail.settings.hedge, true);
});

test('Reset Circuit Breakers from any manager resets the shared state for everyone; a one-route reset only that route of its endpoint', () => {
  const { view, clock } = rig();
  const a = view([API]);
  const gateway = view([GATEWAY]);
  fail(a.state, 3);
  fail(gateway.state, 3);
  a.state.pacer.hold(a.state.see(opus), clock.now() + 5_000);
  gateway.state.reset(opus);
  assert.equal(gateway.state.breaker(opus).currentState(), 'closed');
  assert.equal(a.state.breaker(opus).currentState(), 'open', 'a one-route reset is of its own endpoint');
  fail(gateway.state, 3);
  gateway.state.reset();
  assert.equal(a.state.breaker(opus).currentState(), 'closed', 'reset all reaches the other endpoint');
  assert.equal(gateway.state.breaker(opus).currentState(), 'closed');
  assert.equal(a.state.heldUntil(opus), null);
});

test('a settings change forgets the holds and unknown models only of the routes it changes', () => {
  const { store, view, clock } = rig();
  const config = (providers: readonly ProviderConfig[], models: readonly string[]): ManagerConfig => ({ ...defaultManagerConfig(), providers, models });
  const sonnet: Route = { provider: 'anthropic', model: 'claude-sonnet-5-5' };
  const a = view([API]);
  const gateway = view([GATEWAY]);
  for (const v of [a, gateway]) {
    v.state.pacer.hold(v.state.see(opus), clock.now() + 30_000);
    v.state.pacer.hold(v.state.see(sonnet), clock.now() + 30_000);
  }
  a.state.unknownModels.remember(sonnet);
  const before = config([API], [OPUS]);
  // Moving to the gateway: another route, whose state is the gateway's own; the API's stays.
  forgetChangedRoutes(store, before, config([GATEWAY], [OPUS]));
  assert.notEqual(a.state.heldUntil(opus), null);
  assert.notEqual(gateway.state.heldUntil(opus), null);
  // Sonnet joins the chain: its state on this endpoint is forgotten, not on the gateway.
  forgetChangedRoutes(store, before, config([API], [OPUS, sonnet.model]));
  assert.equal(a.state.heldUntil(sonnet), null);
  assert.equal(a.state.unknownModels.isUnknown(sonnet), false);
  assert.notEqual(gateway.state.heldUntil(sonnet), null);
  assert.notEqual(a.state.heldUntil(opus), null, 'opus stayed in the chain: its hold stays');
  // New headers on the same endpoint (another account behind it): its routes are changed in place.
  forgetChangedRoutes(store, before, config([{ ...API, headers: { 'x-account': 'b' } }], [OPUS]));
  assert.equal(a.state.heldUntil(opus), null);
  assert.notEqual(gateway.state.heldUntil(opus), null);
  // A model that leaves this chain keeps what others may still rely on.
  a.state.pacer.hold(a.state.see(sonnet), clock.now() + 30_000);
  forgetChangedRoutes(store, config([API], [OPUS, sonnet.model]), config([API], [OPUS]));
  assert.notEqual(a.state.heldUntil(sonnet), null);
});
