// The broker's writer (limitedMessageWriter.ts) over a real socket: each message arrives framed
// as the LSP base protocol frames it, in order; one that is not JSON (a BigInt) is refused to its
// sender without a throw and without breaking the messages after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type { NotificationMessage, ResponseMessage } from 'vscode-jsonrpc/node';
import { LimitedMessageWriter } from '../../../src/broker/limitedMessageWriter';
import { eventually } from './brokerKit';

test('messages arrive framed and in order; one that is not JSON is refused, the next still goes', { timeout: 30_000 }, async () => {
  let received = '';
  const server = net.createServer((socket) => socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const writer = new LimitedMessageWriter(socket);
  const errors: Error[] = [];
  writer.onError(([error]) => errors.push(error));
  try {
    const first: NotificationMessage = { jsonrpc: '2.0', method: 'one', params: { text: 'é' } };
    const notJson: NotificationMessage = { jsonrpc: '2.0', method: 'two', params: { n: 1n } };
    const last: ResponseMessage = { jsonrpc: '2.0', id: 3, result: null };
    await writer.write(first);
    const refused = writer.write(notJson);
    await assert.rejects(refused, TypeError);
    await writer.write(last);
    const one = '{"jsonrpc":"2.0","method":"one","params":{"text":"é"}}';
    const three = '{"jsonrpc":"2.0","id":3,"result":null}';
    const expected = `Content-Length: ${Buffer.byteLength(one)}\r\n\r\n${one}Content-Length: ${Buffer.byteLength(three)}\r\n\r\n${three}`;
    assert.ok(await eventually(() => received.length >= expected.length, 10_000), received);
    assert.equal(received, expected);
    assert.equal(errors.length, 1);
  } finally {
    writer.dispose();
    server.close();
  }
});
