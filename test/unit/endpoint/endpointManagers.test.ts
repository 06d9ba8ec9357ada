// The endpoint's managers (endpointManagers.ts) on a manual clock: one made for a client's own
// credential (one per credential: rate limits are the key's), or for a model a request named,
// is disposed once no request has held it for 30
// minutes — never while a request holds it, however long that request runs, and never the one
// the user's own requests last used; a credential asked for again after a sweep gets a new
// manager that lends that request's credential to that request only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointManagers, UNUSED_ENDPOINT_MANAGER_MS } from '../../../src/broker/endpoint/endpointManagers';
import type { RequestCredential } from '../../../src/broker/endpoint/requestGuard';
import type { ManagerConfig, RequestManager } from '../../../src/core/contract';
import { defaultManagerConfig } from '../../../src/core/defaults';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';
const UPSTREAM = 'http://127.0.0.1:9';
const MINUTE = 60_000;

/** A manager made by the endpoint: what it was made for and whether it was disposed. */
interface Made {
  readonly config: ManagerConfig;
  disposed: boolean;
  listeners: number;
}

function managerDouble(made: Made): RequestManager {
  return {
    send: () => Promise.reject(new Error('not sent in this test')),
    stream: () => {
      throw new Error('not streamed in this test');
    },
    onEvent: () => {
      made.listeners += 1;
      return () => (made.listeners -= 1);
    },
    breakers: () => [],
    resetBreakers: () => undefined,
    updateConfig: () => undefined,
    dispose: () => {
      made.disposed = true;
    },
  };
}

function setup(): { managers: EndpointManagers; made: Made[]; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const made: Made[] = [];
  const base = defaultManagerConfig();
  const userProviders = [{ id: 'anthropic' as const, baseURL: UPSTREAM, apiKey: () => 'the-users-stored-key' }];
  const managers = new EndpointManagers({
    createManager: (config) => {
      const record: Made = { config, disposed: false, listeners: 0 };
      made.push(record);
      return managerDouble(record);
    },
    base: () => base,
    upstreamBaseUrl: () => UPSTREAM,
    userProviders: () => userProviders,
    onEvent: () => undefined,
    now: () => clock.now,
  });
  return { managers, made, clock };
}

/** Lets the made managers' promises settle (their disposal runs on them). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const client = (apiKey: string): RequestCredential => ({ kind: 'client', apiKey });
const USER: RequestCredential = { kind: 'user' };

async function keyLent(made: Made, clientRequestId: string): Promise<string | undefined> {
  return made.config.providers[0]!.apiKey!({ clientRequestId });
}

test('a manager no request has held for 30 minutes is disposed at the next request; the user\'s own is kept', async () => {
  const { managers, made, clock } = setup();
  managers.acquire(USER, [OPUS], 'ep_1')!.release();
  managers.acquire(client('sk-ant-client-a'), [OPUS], 'ep_2')!.release();
  managers.acquire(client('sk-ant-client-a'), [SONNET], 'ep_3')!.release();
  assert.equal(managers.size, 3);
  await settled();
  assert.deepEqual(made.map((m) => m.listeners), [1, 1, 1]);

  clock.now += UNUSED_ENDPOINT_MANAGER_MS - MINUTE;
  managers.acquire(client('sk-ant-client-a'), [SONNET], 'ep_4')!.release();
  await settled();
  assert.equal(made.filter((m) => m.disposed).length, 0, 'not yet: 29 minutes');

  clock.now += 2 * MINUTE;
  managers.acquire(client('sk-ant-client-b'), [SONNET], 'ep_5')!.release();
  await settled();
  // The client's manager for OPUS went (31 minutes unused); the SONNET one was used 2 minutes ago;
  // another client's key has a manager of its own.
  assert.deepEqual(made.map((m) => [m.config.models.join(), m.disposed]), [[OPUS, false], [OPUS, true], [SONNET, false], [SONNET, false]]);
  assert.equal(made[1]!.listeners, 0, 'its event subscription went with it');
  assert.equal(managers.size, 3);

  clock.now += 2 * UNUSED_ENDPOINT_MANAGER_MS;
  managers.acquire(client('sk-ant-client-b'), [OPUS], 'ep_6')!.release();
  await settled();
  assert.equal(made[0]!.disposed, false, 'the user\'s own manager stays, however long unused');
  assert.equal(made[2]!.disposed, true);
  assert.equal(made[3]!.disposed, true);
});

test('a manager a request holds is never disposed, however long the request runs', async () => {
  const { managers, made, clock } = setup();
  const long = managers.acquire(client('sk-ant-client-a'), [OPUS], 'ep_long')!;
  await long.manager;
  for (let hour = 0; hour < 3; hour += 1) {
    clock.now += 60 * MINUTE;
    managers.acquire(client('sk-ant-client-b'), [SONNET], `ep_other_${hour}`)!.release();
  }
  await settled();
  assert.equal(made[0]!.disposed, false);
  assert.equal(await keyLent(made[0]!, 'ep_long'), 'sk-ant-client-a', 'its credential is still lent to it');
  long.release();
  long.release();
  clock.now += UNUSED_ENDPOINT_MANAGER_MS;
  managers.acquire(client('sk-ant-client-b'), [SONNET], 'ep_after')!.release();
  await settled();
  assert.equal(made[0]!.disposed, true, 'released, then unused for 30 minutes');
});

test('after a sweep the credential is served again by a new manager, lent to its request only', async () => {
  const { managers, made, clock } = setup();
  const first = managers.acquire(client('sk-ant-client-a'), [OPUS], 'ep_1')!;
  assert.equal(await keyLent(made[0]!, 'ep_1'), 'sk-ant-client-a');
  first.release();
  assert.equal(await keyLent(made[0]!, 'ep_1'), undefined, 'no longer lent once released');

  clock.now += UNUSED_ENDPOINT_MANAGER_MS + MINUTE;
  const again = managers.acquire(client('sk-ant-client-a'), [OPUS], 'ep_2')!;
  const other = managers.acquire(client('sk-ant-client-b'), [OPUS], 'ep_3')!;
  const manager = await again.manager;
  await settled();
  assert.equal(made.length, 3, 'a new manager for the same settings, and one for the other key');
  assert.equal(made[0]!.disposed, true);
  assert.notEqual(manager, await other.manager, 'each client credential has its own manager (its rate limits are its own)');
  assert.equal(await keyLent(made[1]!, 'ep_2'), 'sk-ant-client-a');
  assert.equal(await keyLent(made[2]!, 'ep_3'), 'sk-ant-client-b');
  assert.equal(await keyLent(made[1]!, 'ep_1'), undefined);
  // The same key, sent as a bearer token, is the same credential: the same manager.
  const bearer = managers.acquire({ kind: 'client', authToken: 'sk-ant-client-a' }, [OPUS], 'ep_4')!;
  assert.equal(await bearer.manager, manager);
  bearer.release();
  again.release();
  other.release();
  managers.dispose();
  await settled();
  assert.ok(made.every((m) => m.disposed && m.listeners === 0));
});
