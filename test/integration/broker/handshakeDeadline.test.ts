// A local process cannot hold the broker's connection places without a handshake: on a real broker
// with its default deadline, raw connections that fill every place — silent, or trickling a header
// that never ends — are closed within HANDSHAKE_DEADLINE_MS (a few seconds), and a window's client
// (SharedManager, the class the editor uses) is then served by the broker. A client that completed
// its handshake and stays quiet past the deadline is not cut, nor one whose `initialize` waited
// unread while the broker's loop was busy past the deadline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { HANDSHAKE_DEADLINE_MS, startBroker } from '../../../src/broker/brokerServer';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { MAX_BROKER_CONNECTIONS } from '../../../src/broker/connectionRefusal';
import { PingRequest } from '../../../src/broker/protocol';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario, testConfig } from '../core/harness';
import { cleanUp, eventually, frame, initializeFrame, rawConnection, runtimeDir, windowClient } from './brokerKit';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;
const logged: string[] = [];
const raw: net.Socket[] = [];
const trickles: NodeJS.Timeout[] = [];

before(async () => {
  await import('@anthropic-ai/sdk');
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  dir = runtimeDir();
  // The broker's own deadline (no helloTimeoutMs given).
  const started = await startBroker({ runtimeDir: dir, idleExitMs: 120_000, log: (line) => logged.push(line) });
  if (!started) throw new Error('the test broker did not start');
  broker = started;
});

after(async () => {
  for (const timer of trickles) clearInterval(timer);
  for (const socket of raw) socket.destroy();
  await broker.stop('test over');
  await sim.close();
  await cleanUp(dir);
});

test('connections that never complete a handshake are closed within the deadline and free their places for a window', { timeout: 120_000 }, async () => {
  assert.ok(HANDSHAKE_DEADLINE_MS >= 2_000 && HANDSHAKE_DEADLINE_MS <= 5_000, `a few seconds (${HANDSHAKE_DEADLINE_MS} ms)`);
  // A client that completed its handshake takes one place and then says nothing.
  const introduced = await openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', 'deadline-test-cli');

  // The other 63 places: silent connections, and some trickling a header byte by byte.
  const closedAfter: number[] = [];
  const opened = Date.now();
  for (let i = 1; i < MAX_BROKER_CONNECTIONS; i += 1) {
    const socket = await rawConnection(dir);
    raw.push(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => closedAfter.push(Date.now() - opened));
    if (i % 8 === 0) {
      const header = 'Content-Length: 40\r\n';
      let sent = 0;
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write(header[sent++ % header.length]!);
      }, 200);
      trickles.push(timer);
    }
  }
  const filledAt = Date.now() - opened;

  // The broker is full now (unless filling it took so long that the deadline freed places
  // already): a window's client is refused and runs on its own.
  if (filledAt < HANDSHAKE_DEADLINE_MS / 2) {
    const refused = windowClient(dir, testConfig(sim.url, { models: [OPUS] }), 'deadline-test-window', false);
    try {
      await refused.whenReady();
      assert.equal(refused.sharing.mode, 'local');
    } finally {
      refused.dispose();
    }
  }

  // Every raw connection is closed by the broker, within the deadline and a margin for a loaded machine.
  const bound = filledAt + HANDSHAKE_DEADLINE_MS + 4_000;
  assert.ok(await eventually(() => closedAfter.length === MAX_BROKER_CONNECTIONS - 1, bound + 30_000), `${closedAfter.length} of ${MAX_BROKER_CONNECTIONS - 1} closed`);
  const latest = Math.max(...closedAfter);
  assert.ok(latest <= bound, `the last one closed after ${latest} ms (the places were filled after ${filledAt} ms)`);
  assert.ok(Math.min(...closedAfter) >= HANDSHAKE_DEADLINE_MS - 100, `none closed before the deadline (${Math.min(...closedAfter)} ms)`);
  assert.ok(logged.some((line) => /sent no handshake within \d+ ms; disconnected\./.test(line)), logged.join('\n'));

  // The places are free: a window's client is served by the broker, and its request answered.
  const shared = windowClient(dir, testConfig(sim.url, { models: [OPUS] }), 'deadline-test-window', false);
  try {
    await shared.whenReady();
    assert.equal(shared.sharing.mode, 'shared', JSON.stringify(shared.sharing));
    const outcome = await shared.send({ model: OPUS, max_tokens: 64, messages: [{ role: 'user', content: 'Served by the broker?' }] });
    assert.equal(outcome.ok, true, JSON.stringify(outcome));
  } finally {
    shared.dispose();
  }

  // The client that completed its handshake was quiet past the deadline and is still served.
  assert.ok(Date.now() - opened > HANDSHAKE_DEADLINE_MS);
  assert.equal(await introduced.request(PingRequest, null, { timeoutMs: 10_000 }), null);
  await introduced.leave();
});

test('an initialize that arrived while the broker was busy past the deadline is answered, not cut', { timeout: 60_000 }, async () => {
  const socket = await rawConnection(dir);
  raw.push(socket);
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  let closed = false;
  socket.once('close', () => (closed = true));
  // The broker has taken the connection (its deadline runs): a ping, served before the handshake, is answered.
  socket.write(frame({ jsonrpc: '2.0', id: 1, method: PingRequest.method, params: null }));
  assert.ok(await eventually(() => received.includes('"id":1'), 10_000), 'the ping was answered');

  // The initialize is on the socket, then the broker's loop (this process's) is busy past the deadline.
  socket.write(initializeFrame(2, 'busy-broker-test'));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, HANDSHAKE_DEADLINE_MS + 1_000);

  assert.ok(await eventually(() => received.includes('"id":2') || closed, 10_000), 'the initialize was answered or the connection closed');
  assert.equal(closed, false, 'the connection was not cut');
  assert.match(received, /"id":2,"result":\{[^]*"proof":/);
  socket.destroy();
});
