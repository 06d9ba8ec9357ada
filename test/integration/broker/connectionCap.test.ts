// The broker serves at most 64 connections at once. Filled by a local process's raw connections,
// it answers the next client's handshake with a refusal: a window's client (SharedManager, the
// class the editor uses) says "the shared broker refused this client: …" and runs its request
// itself, which is answered. A flood beyond that is cut at once, the clients already served keep
// being served, and a place that frees up is taken by the next client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startBroker } from '../../../src/broker/brokerServer';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { MAX_BROKER_CONNECTIONS } from '../../../src/broker/connectionRefusal';
import { PingRequest } from '../../../src/broker/protocol';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { cleanUp, eventually, rawConnection, runtimeDir, windowClient } from './brokerKit';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;
const logged: string[] = [];
const raw: net.Socket[] = [];

before(async () => {
  await import('@anthropic-ai/sdk');
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  dir = runtimeDir();
  // Connections that never say hello hold their place for the whole test.
  const started = await startBroker({ runtimeDir: dir, idleExitMs: 120_000, helloTimeoutMs: 120_000, log: (line) => logged.push(line) });
  if (!started) throw new Error('the test broker did not start');
  broker = started;
});

after(async () => {
  for (const socket of raw) socket.destroy();
  await broker.stop('test over');
  await sim.close();
  await cleanUp(dir);
});

test('beyond 64 connections a window\'s client is refused, says so and runs its request itself; a freed place is taken again', { timeout: 120_000 }, async () => {
  const served = await openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', 'cap-test-cli');
  for (let i = 1; i < MAX_BROKER_CONNECTIONS; i += 1) raw.push(await rawConnection(dir));
  assert.equal(MAX_BROKER_CONNECTIONS, 64);

  const refused = windowClient(dir, testConfig(sim.url, { models: [OPUS] }), 'cap-test-window', true);
  try {
    await refused.whenReady();
    const sharing = refused.sharing;
    assert.equal(sharing.mode, 'local');
    assert.match(sharing.mode === 'local' ? sharing.reason : '', /^the shared broker refused this client: it already serves 64 connections, the most it takes at once$/);
    const outcome = await refused.send({ model: OPUS, max_tokens: 64, messages: [{ role: 'user', content: 'Still answered?' }] });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  } finally {
    refused.dispose();
  }
  assert.ok(logged.some((line) => line.startsWith('Refusing a connection: 64 are open')), logged.join('\n'));

  // A flood beyond the cap is cut; the client already served is still answered.
  const flood = await Promise.all(Array.from({ length: 150 }, () => rawConnection(dir).catch(() => null)));
  const cut = flood.filter((socket): socket is net.Socket => socket !== null);
  let closed = 0;
  for (const socket of cut) {
    raw.push(socket);
    socket.on('error', () => undefined);
    if (socket.destroyed) closed += 1;
    else socket.once('close', () => (closed += 1));
  }
  assert.ok(await eventually(() => closed >= cut.length - MAX_BROKER_CONNECTIONS, 15_000), `${closed} of ${cut.length} cut`);
  assert.equal(await served.request(PingRequest, null, { timeoutMs: 10_000 }), null);

  // One place frees up: the next window's client is served by the broker (once it has seen the close).
  raw.shift()!.destroy();
  let sharedAgain = false;
  for (let attempt = 0; attempt < 20 && !sharedAgain; attempt += 1) {
    const next = windowClient(dir, testConfig(sim.url, { models: [OPUS] }), 'cap-test-window', true);
    await next.whenReady();
    sharedAgain = next.sharing.mode === 'shared';
    next.dispose();
  }
  assert.ok(sharedAgain, 'a client took the freed place');
  await served.leave();
});
