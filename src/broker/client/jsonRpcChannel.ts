// A broker channel over vscode-jsonrpc on a connected socket, with the LSP handshake a window's
// language client would do (bounded in time, the broker's proof checked: rpcChannel.ts).
import { SocketMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import { ExitNotification, InitializeRequest, InitializedNotification, ShutdownRequest } from 'vscode-languageserver/node';
import type { ClientKind } from '../protocol';
import type { BrokerChannel } from './channel';
import { brokerMessageReader } from './brokerMessageReader';
import type { BrokerSocket } from './connect';
import { helloFor, openBrokerChannel } from './rpcChannel';

export function openJsonRpcChannel(brokerSocket: BrokerSocket, kind: ClientKind, name: string): Promise<BrokerChannel> {
  const { socket } = brokerSocket;
  const connection = createMessageConnection(brokerMessageReader(socket), new SocketMessageWriter(socket));
  connection.onError(() => undefined);
  connection.listen();
  const hello = helloFor(kind, name);
  return openBrokerChannel(brokerSocket, hello, {
    rpc: connection,
    socket,
    start: async () => {
      const result = await connection.sendRequest(InitializeRequest.method, { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: hello });
      void connection.sendNotification(InitializedNotification.method, {}).catch(() => undefined);
      return result;
    },
    goodbye: async () => {
      await connection.sendRequest(ShutdownRequest.method);
      await connection.sendNotification(ExitNotification.method);
    },
    dispose: () => connection.dispose(),
  });
}
