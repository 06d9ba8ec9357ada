// The broker's managers run on one route state: clients with different chains hear of the
// breaker of the model they share, the latest configuration attached sets the shared policies,
// a client's settings change forgets only what it changes, a reset reaches every client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrokerHistories } from '../../../src/broker/brokerHistories';
import { ManagerRegistry } from '../../../src/broker/managerRegistry';
import type { ManagerSubscriber } from '../../../src/broker/managerRegistry';
import { toWireConfig } from '../../../src/broker/wireConfig';
import type { ManagerConfig } from '../../../src/core/contract';
import { defaultManagerConfig } from '../../../src/core/defaults';
import { routeKey } from '../../../src/core/routes';
import type { BreakerSnapshot, ManagerEvent, Route } from '../../../src/core/types';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const HAIKU = 'claude-haiku-5-5';
const API = 'http://127.0.0.1:9/api';
const GATEWAY = 'http://127.0.0.1:9/gateway';

class Client implements ManagerSubscriber {
  readonly events: ManagerEvent[] = [];
  breakers: readonly BreakerSnapshot[] = [];
  sendEvent(_managerId: string, event: ManagerEvent): void {
    this.events.push(event);
  }
  sendBreakers(_managerId: string, breakers: readonly BreakerSnapshot[]): void {
    this.breakers = breakers;
  }
  state(model: string): string | undefined {
    return this.breakers.find((b) => b.model === model)?.state;
  }
}

function config(baseURL: string, models: readonly string[], failureThreshold = 3, headers?: Record<string, string>): ManagerConfig {
  const d = defaultManagerConfig();
  return { ...d, models, breaker: { ...d.breaker, failureThreshold, openMs: 60_000 }, providers: [{ id: 'anthropic', baseURL, apiKey: () => 'k', ...(headers ? { headers } : {}) }] };
}

function setup(): { registry: ManagerRegistry; join: (client: Client, c: ManagerConfig) => string } {
  const registry = new ManagerRegistry(new BrokerHistories(() => undefined), () => undefined);
  return { registry, join: (client, c) => registry.attach(client, toWireConfig(c), null, 'test').managerId };
}

function openBreaker(registry: ManagerRegistry, baseURL: string, model: string, failures: number): void {
  const route: Route = { provider: 'anthropic', model };
  const breaker = registry.shared.store.breaker(routeKey(route, { id: 'anthropic', baseURL }), route);
  for (let i = 0; i < failures; i++) breaker.recordFailure(breaker.tryAcquire() ?? 'normal', 'overloaded');
}

test('clients with different chains on one endpoint hear of the breaker of the model they share; a client behind another base URL does not', () => {
  const { registry, join } = setup();
  const a = new Client();
  const b = new Client();
  const gateway = new Client();
  const idA = join(a, config(API, [OPUS, SONNET]));
  const idB = join(b, config(API, [OPUS, HAIKU]));
  join(gateway, config(GATEWAY, [OPUS, SONNET]));
  assert.notEqual(idA, idB, 'two configurations, two managers');
  openBreaker(registry, API, OPUS, 3);
  assert.equal(a.state(OPUS), 'open');
  assert.equal(b.state(OPUS), 'open', "B's manager lists the breaker A's traffic opened");
  assert.ok(b.events.some((e) => e.type === 'breaker' && e.model === OPUS && e.to === 'open'));
  assert.equal(gateway.events.length, 0);
  assert.deepEqual(registry.breakers(idB, b).map((s) => [s.model, s.state]), [[OPUS, 'open']]);
  registry.disposeAll();
});

test('the latest configuration attached sets the shared policies, also when it joins a manager that exists', () => {
  const { registry, join } = setup();
  join(new Client(), config(API, [OPUS, SONNET], 3));
  join(new Client(), config(API, [OPUS, HAIKU], 5));
  assert.equal(registry.shared.store.policies.breaker.failureThreshold, 5);
  openBreaker(registry, API, OPUS, 3);
  const c = new Client();
  const idC = join(c, config(API, [OPUS, SONNET], 3));
  assert.equal(registry.shared.store.policies.breaker.failureThreshold, 3, 'back to 3: a third client joined the first manager');
  assert.equal(registry.breakers(idC, c)[0]?.state, 'closed', 'three failures under a threshold of 5 did not open it');
  openBreaker(registry, API, OPUS, 1);
  assert.equal(c.state(OPUS), 'open', 'the next failure opens it under the threshold now in force');
  registry.disposeAll();
});

test("a client's settings change forgets the holds of the routes it changes only; a reset reaches every client", () => {
  const { registry, join } = setup();
  const a = new Client();
  const b = new Client();
  join(a, config(API, [OPUS, SONNET]));
  join(b, config(API, [OPUS, HAIKU]));
  const { store } = registry.shared;
  const key = (model: string): string => routeKey({ provider: 'anthropic', model }, { id: 'anthropic', baseURL: API });
  for (const model of [OPUS, HAIKU]) {
    store.see(key(model), { provider: 'anthropic', model });
    store.pacer.hold(key(model), Date.now() + 30_000);
  }
  join(a, config(API, [OPUS, SONNET, HAIKU]));
  assert.equal(store.pacer.heldUntil(key(HAIKU)), null, 'haiku joined A’s chain: its hold is forgotten');
  assert.notEqual(store.pacer.heldUntil(key(OPUS)), null, 'opus stayed: its hold, which B relies on too, stays');
  openBreaker(registry, API, OPUS, 3);
  assert.equal(b.state(OPUS), 'open');
  store.reset();
  registry.publishBreakers();
  assert.equal(a.state(OPUS), 'closed');
  assert.equal(b.state(OPUS), 'closed', 'the reset reached the client of the other manager');
  registry.disposeAll();
});
