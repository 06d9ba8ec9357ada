// A broker channel over vscode-jsonrpc on a connected socket, with the LSP handshake a window's
// language client would do (bounded in time, the broker's proof checked).
import { SocketMessageReader, SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { ExitNotification, InitializeRequest, InitializedNotification, ShutdownRequest } from 'vscode-languageserver/node';
import type { ClientKind } from '../protocol';
import type { BrokerChannel } from './channel';
import type { BrokerSocket } from './connect';
import { brokerChannel, checkHandshake, handshakeTimeoutMs, helloFor, withinTime } from './rpcChannel';

export async function openJsonRpcChannel({ socket, dir, startedBroker }: BrokerSocket, kind: ClientKind, name: string): Promise<BrokerChannel> {
  const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
  connection.onError(() => undefined);
  connection.listen();
  const hello = helloFor(kind, name);
  try {
    const result = await withinTime(
      connection.sendRequest(InitializeRequest.method, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: hello }),
      handshakeTimeoutMs(startedBroker),
      'The broker handshake',
    );
    const info = checkHandshake(dir, hello, result);
    void connection.sendNotification(InitializedNotification.method, {}).catch(() => undefined);
    return brokerChannel(
      {
        rpc: connection,
        socket,
        goodbye: async () => {
          await connection.sendRequest(ShutdownRequest.method);
          await connection.sendNotification(ExitNotification.method);
        },
        dispose: () => connection.dispose(),
      },
      info,
    );
  } catch (error) {
    connection.dispose();
    socket.destroy();
    throw error;
  }
}
