// A connection to the broker's socket beyond the number it serves at once: its `initialize` is
// answered with a refusal (protocol.ts, BrokerRefusal) that the client reports as "the shared
// broker refused this client" and runs its requests itself; any other request gets an error. The
// client closes the connection then; it is closed after `timeoutMs` in any case. Nothing of a
// session is made for it (no manager, no proof, no count), and what it may send is small.
import type * as net from 'node:net';
import { ErrorCodes, Message, ResponseError, SocketMessageWriter } from 'vscode-jsonrpc/node';
import type { ResponseMessage } from 'vscode-jsonrpc/node';
import { InitializeRequest } from 'vscode-languageserver/node';
import { LimitedMessageReader } from './limitedMessageReader';
import type { BrokerRefusal } from './protocol';

/** Connections the broker serves at once (windows, CLIs, and those not yet introduced). */
export const MAX_BROKER_CONNECTIONS = 64;

/** A refused client's first message is an `initialize`: a few hundred bytes. */
const REFUSED_LIMITS = { maxHeaderBytes: 1024, maxMessageBytes: 64 * 1024 };

/** The refusal's words (the client shows them as the reason it runs on its own). */
export function brokerFullMessage(max: number): string {
  return `it already serves ${max} connections, the most it takes at once`;
}

/** Answers the connection's first request with the refusal; `closed` runs once the connection is gone. */
export function refuseConnection(socket: net.Socket, reason: string, timeoutMs: number, closed: () => void): void {
  const reader = new LimitedMessageReader(socket, REFUSED_LIMITS);
  const writer = new SocketMessageWriter(socket);
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  let answered = false;
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    clearTimeout(timer);
    reader.dispose();
    writer.dispose();
    closed();
  });
  reader.onError(() => socket.destroy());
  reader.listen((received) => {
    if (answered || !Message.isRequest(received)) return;
    answered = true;
    const refusal: BrokerRefusal & { capabilities: object } = { capabilities: {}, refused: reason };
    const answer: ResponseMessage =
      received.method === InitializeRequest.method
        ? { jsonrpc: '2.0', id: received.id, result: refusal }
        : { jsonrpc: '2.0', id: received.id, error: new ResponseError(ErrorCodes.InvalidRequest, `The broker refused this connection: ${reason}.`).toJson() };
    writer.write(answer).catch(() => socket.destroy());
  });
}
