// The broker reads no further from a client with too many requests unanswered (pendingRequests.ts),
// so a client that sends faster than it is answered waits in its own socket instead of swelling the
// broker's queue: over a real socket, the broker's reader and writer (limitedMessageReader.ts,
// limitedMessageWriter.ts) in a vscode-jsonrpc connection whose handler answers only when released
// get 20 000 requests at once; at most the limit and one chunk of them are read while none is
// answered, and once answers flow every request is read and answered.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { createMessageConnection } from 'vscode-jsonrpc/node';
import { LimitedMessageReader } from '../../../src/broker/limitedMessageReader';
import { LimitedMessageWriter, MAX_UNREAD_BYTES } from '../../../src/broker/limitedMessageWriter';
import { PendingRequests } from '../../../src/broker/pendingRequests';
import { eventually, frame } from './brokerKit';

const LIMIT = 64;
const REQUESTS = 20_000;
const sockets: net.Socket[] = [];
const server = net.createServer((socket) => {
  sockets.push(socket);
  const pending = new PendingRequests(socket, LIMIT);
  const connection = createMessageConnection(new LimitedMessageReader(socket, undefined, pending), new LimitedMessageWriter(socket, MAX_UNREAD_BYTES, pending));
  connection.onRequest('test/held', () => new Promise<null>((resolve) => held.push(() => resolve(null))));
  connection.listen();
});
const held: (() => void)[] = [];

after(() => {
  for (const socket of sockets) socket.destroy();
  server.close();
});

test('a client with too many requests unanswered is read no further until answers go out', { timeout: 120_000 }, async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  sockets.push(client);
  await new Promise((resolve) => client.once('connect', resolve));
  let answered = 0;
  let carried = '';
  client.on('data', (chunk: Buffer) => {
    const text = carried + chunk.toString('utf8');
    const parts = text.split('"result":null');
    answered += parts.length - 1;
    carried = parts.at(-1)!.slice(-12); // a mark split between two chunks
  });
  const frames: string[] = [];
  for (let id = 1; id <= REQUESTS; id += 1) frames.push(frame({ jsonrpc: '2.0', id, method: 'test/held', params: null }));
  client.write(frames.join(''));

  // Nothing answered: the reading stops at the limit (plus what one chunk of the socket held).
  const oneChunk = Math.ceil((64 * 1024) / frames[0]!.length);
  assert.ok(await eventually(() => held.length >= LIMIT, 30_000), `${held.length} read`);
  assert.equal(await eventually(() => held.length > LIMIT + oneChunk, 3_000), false, `${held.length} of ${REQUESTS} read while none was answered`);
  assert.equal(answered, 0);

  // Answers go out as requests come: every request is read and answered.
  for (let round = 0; answered < REQUESTS && round < 2_000; round += 1) {
    for (const release of held.splice(0)) release();
    await delay(10);
  }
  assert.equal(answered, REQUESTS);
});
