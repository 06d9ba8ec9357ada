// A client that does not read its socket cannot grow the broker's memory without end: on a real
// broker, a raw connection that completes its handshake, then sends requests and never reads their
// answers is disconnected once it leaves more than the broker's limit unread (a small limit here,
// MAX_UNREAD_BYTES by default), and another client is served all along.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { startBroker } from '../../../src/broker/brokerServer';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { MAX_UNREAD_BYTES } from '../../../src/broker/limitedMessageWriter';
import { PingRequest } from '../../../src/broker/protocol';
import { cleanUp, eventually, frame, initializeFrame, rawConnection, runtimeDir } from './brokerKit';

const LIMIT = 64 * 1024;
let broker: RunningBroker;
let dir: string;
const logged: string[] = [];
let socket: net.Socket | null = null;

before(async () => {
  dir = runtimeDir();
  const started = await startBroker({ runtimeDir: dir, idleExitMs: 120_000, maxUnreadBytes: LIMIT, log: (line) => logged.push(line) });
  if (!started) throw new Error('the test broker did not start');
  broker = started;
});

after(async () => {
  socket?.destroy();
  await broker.stop('test over');
  await cleanUp(dir);
});

test('a client that never reads what it asked for is disconnected past the limit; another is served', { timeout: 120_000 }, async () => {
  assert.ok(MAX_UNREAD_BYTES >= 8 * 1024 * 1024, 'the default leaves a busy window room');
  const served = await openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', 'backlog-test-cli');

  const raw = await rawConnection(dir);
  socket = raw;
  raw.on('error', () => undefined);
  let received = '';
  const onData = (chunk: Buffer): void => {
    received += chunk.toString('utf8');
  };
  raw.on('data', onData);
  let closed = false;
  raw.once('close', () => (closed = true));
  raw.write(initializeFrame(0, 'never-reads'));
  assert.ok(await eventually(() => received.includes('"proof"'), 10_000), 'the handshake was answered');

  // From here on nothing is read: pings whose answers come to far more than the limit.
  raw.off('data', onData);
  raw.pause();
  const pings = 30_000;
  const batch: string[] = [];
  for (let id = 1; id <= pings; id += 1) batch.push(frame({ jsonrpc: '2.0', id, method: PingRequest.method, params: null }));
  raw.write(batch.join(''));

  assert.ok(await eventually(() => logged.some((line) => /^Client \d+ disconnected: it left \d+ bytes unread \(at most 65536\)\.$/.test(line)), 60_000), logged.join('\n'));
  raw.resume();
  assert.ok(await eventually(() => closed, 30_000), 'the connection was closed');

  // The other client was served all along, and still is.
  assert.equal(await served.request(PingRequest, null, { timeoutMs: 10_000 }), null);
  await served.leave();
});
