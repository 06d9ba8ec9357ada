// A broker channel over vscode-jsonrpc on a connected socket, with the LSP handshake a window's
// language client would do.
import type * as net from 'node:net';
import { CancellationTokenSource, SocketMessageReader, SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { ExitNotification, InitializeRequest, InitializedNotification, ShutdownRequest } from 'vscode-languageserver/node';
import { BROKER_PROTOCOL_VERSION, parseBrokerInfo } from '../protocol';
import type { ClientKind, HelloOptions } from '../protocol';
import type { BrokerChannel } from './channel';

export async function openJsonRpcChannel(socket: net.Socket, kind: ClientKind, name: string): Promise<BrokerChannel> {
  const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  const closeListeners: Array<() => void> = [];
  let closed = false;
  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners.splice(0)) listener();
  };
  connection.onClose(markClosed);
  connection.onError(() => undefined);
  socket.on('error', markClosed);
  socket.on('close', markClosed);
  connection.listen();
  const hello: HelloOptions = { protocolVersion: BROKER_PROTOCOL_VERSION, kind, name };
  let result: unknown;
  try {
    result = await connection.sendRequest(InitializeRequest.method, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: hello });
  } catch (error) {
    connection.dispose();
    socket.destroy();
    throw error;
  }
  const info = parseBrokerInfo(typeof result === 'object' && result !== null ? (result as { broker?: unknown }).broker : undefined);
  if (!info) {
    connection.dispose();
    socket.destroy();
    throw new Error('The broker answered the handshake with something unexpected.');
  }
  void connection.sendNotification(InitializedNotification.method, {}).catch(() => undefined);
  return {
    info,
    async sendRequest(method, params, signal) {
      const source = new CancellationTokenSource();
      const onAbort = (): void => source.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await connection.sendRequest(method, params, source.token);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
    onNotification(method, handler) {
      connection.onNotification(method, (params: unknown) => handler(params));
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
    async leave() {
      if (!closed) {
        try {
          await connection.sendRequest(ShutdownRequest.method);
          await connection.sendNotification(ExitNotification.method);
        } catch {
          // The broker went away first: leaving is done either way.
        }
      }
      connection.dispose();
      socket.end();
      markClosed();
    },
  };
}
