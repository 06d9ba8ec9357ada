// A window shows the rate-limit hold on its own credential as soon as the broker knows of it,
// before it has sent anything itself: the hold a request of another client (another window, a
// client of the local endpoint — another manager on the broker's shared routes) met with the
// same key is in its breakers (heldUntil), and its manager's bus hears of it. Another key's
// window shows none, even on the same manager. A client that joins after the hold shows it from
// the start; a reset clears it for everyone; a window whose credential changed under it (a
// rotating chain) shows the new one's holds once a request of its own used it. Real broker, real
// SDK, the simulator over loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { EndpointLease } from '../../../src/broker/client/endpointLease';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { RequestCredentials } from '../../../src/broker/client/requestCredentials';
import type { SharedManager } from '../../../src/broker/client/sharedManager';
import { toWireConfig } from '../../../src/broker/wireConfig';
import type { ManagerConfig } from '../../../src/core/contract';
import type { BreakerSnapshot, ManagerEvent } from '../../../src/core/types';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { ASK, HAIKU, OPUS, SONNET, TEST_KEY, modelCount, scenario, testConfig } from '../core/harness';
import { eventually, inProcessBroker, sharedClient } from './brokerKit';

const OTHER_KEY = 'sk-ant-test-another-users-key-0000000000';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;
const clients: SharedManager[] = [];

before(async () => {
  await import('@anthropic-ai/sdk');
  // Opus answers 429 with a retry-after longer than a request waits: the key is held off it.
  sim = await startSimulator({ scenario: scenario({ [OPUS]: { p429: 1, retryAfterS: 30 } }), apiKey: TEST_KEY });
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  for (const client of clients) client.dispose();
  await broker.stop('test over');
  await sim.close();
});

/** A client of the broker with this chain and key, joined (and its credentials named). */
async function join(name: string, models: string[], key: string | (() => string) = TEST_KEY): Promise<{ client: SharedManager; events: ManagerEvent[] }> {
  const base = testConfig(sim.url);
  const config: ManagerConfig = { ...base, models, providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: typeof key === 'string' ? () => key : key }] };
  const client = sharedClient(dir, config, name);
  clients.push(client);
  const events: ManagerEvent[] = [];
  client.onEvent((event) => events.push(event));
  await client.whenCredentialsNamed();
  assert.equal(client.sharing.mode, 'shared', `${name} joined the broker`);
  return { client, events };
}

function opusHold(client: SharedManager): number | null {
  return client.breakers().find((b: BreakerSnapshot) => b.model === OPUS)?.heldUntil ?? null;
}

test("a window that has sent nothing shows the hold another client's request met on its key; another key's window does not", { timeout: 60_000 }, async () => {
  const idle = await join('idle-window', [OPUS, HAIKU]);
  const stranger = await join('other-key-window', [OPUS, HAIKU], OTHER_KEY);

  const busy = await join('endpoint-like-client', [OPUS, SONNET]);
  const outcome = await busy.client.send(ASK);
  assert.ok(outcome.ok && outcome.model === SONNET, 'the busy client met the 429 and fell back');
  const heldOn = Date.now();

  assert.ok(await eventually(() => (opusHold(idle.client) ?? 0) > Date.now()), 'the idle window shows the hold on its key');
  const until = opusHold(idle.client)!;
  assert.ok(until >= heldOn + 20_000, `held for the retry-after (until ${until - heldOn} ms from now)`);
  assert.ok(idle.events.some((e) => e.type === 'hold' && e.model === OPUS && e.until !== null), "the idle window's bus heard of the hold");
  assert.equal(modelCount(sim, OPUS), 1, 'the idle window sent nothing');

  // The other key is not rate-limited: its window shows no hold.
  assert.equal(opusHold(stranger.client), null, "another key's window shows no hold");
  assert.ok(!stranger.events.some((e) => e.type === 'hold'), 'and hears of none');

  // A window that joins now shows the hold from the start.
  const late = await join('late-window', [OPUS]);
  assert.ok(await eventually(() => (opusHold(late.client) ?? 0) > Date.now(), 5_000), 'a window joining after the hold shows it');

  // Reset Circuit Breakers from the idle window: the route is fresh for everyone.
  idle.client.resetBreakers();
  assert.ok(await eventually(() => opusHold(late.client) === null && opusHold(idle.client) === null), 'the reset clears the hold everywhere');
  // Views re-render on events: each window hears that the hold ended, once.
  for (const { events } of [idle, late]) {
    assert.ok(await eventually(() => events.some((e) => e.type === 'hold' && e.model === OPUS && e.until === null)), 'the window hears the hold ended');
    assert.equal(events.filter((e) => e.type === 'hold' && e.model === OPUS && e.until === null).length, 1, 'once');
  }

  const told = JSON.stringify([idle.events, stranger.events, late.events, idle.client.breakers()]);
  assert.ok(!told.includes(TEST_KEY) && !told.includes(OTHER_KEY), 'no key reaches an event or a breaker');
});

test('a credential that changed under a window (a rotating chain) is its own once a request used it', { timeout: 60_000 }, async () => {
  let current = OTHER_KEY;
  const rotating = await join('rotating-window', [OPUS, HAIKU], () => current);
  const sentinel = await join('sentinel-window', [OPUS, HAIKU]);
  const busy = await join('second-busy-client', [OPUS, SONNET]);
  const first = await busy.client.send(ASK);
  assert.ok(first.ok && first.model === SONNET, 'the busy client met the 429 again');
  // The sentinel is on the same manager: once it shows the hold, the rotating window was told too.
  assert.ok(await eventually(() => (opusHold(sentinel.client) ?? 0) > Date.now()));
  assert.equal(opusHold(rotating.client), null, 'its claimed key is not the one held');

  current = TEST_KEY;
  const own = await rotating.client.send(ASK);
  assert.ok(own.ok && own.model === HAIKU, "its request, with the held key now, was kept off Opus");
  assert.ok(await eventually(() => (opusHold(rotating.client) ?? 0) > Date.now()), 'and the window shows the hold on the key it now uses');
  rotating.client.resetBreakers();
  assert.ok(await eventually(() => opusHold(sentinel.client) === null));
});

test("a client of the local endpoint with the user's key meets a 429: the window that has sent nothing shows the hold", { timeout: 60_000 }, async () => {
  const idle = await join('endpoint-user-window', [OPUS, HAIKU]);
  // Another window starts the broker's local endpoint.
  const lease = new EndpointLease({
    connect: async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'endpoint', 'endpoint-window'),
    onRequest: () => undefined,
    onEvent: () => undefined,
    onLost: () => undefined,
  });
  try {
    const config = testConfig(sim.url, { models: [OPUS] });
    const wanted = await lease.want({ port: 0, config: toWireConfig(config, {}), secrets: await new RequestCredentials({}).resolve(config), upstreamBaseUrl: sim.url, historyFile: null });
    assert.ok(wanted.ok, 'the endpoint listens');
    const answer = await fetch(`${wanted.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': TEST_KEY, 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ model: OPUS, ...ASK }),
    });
    await answer.text();
    assert.equal(answer.status, 429, 'the client, on Opus alone, is told it is rate-limited');
    assert.ok(await eventually(() => (opusHold(idle.client) ?? 0) > Date.now()), "the window shows the hold the endpoint's client met on its key");
    assert.ok(idle.events.some((e) => e.type === 'hold' && e.model === OPUS && e.until !== null));
    idle.client.resetBreakers();
    assert.ok(await eventually(() => opusHold(idle.client) === null));
  } finally {
    await lease.release();
  }
});
