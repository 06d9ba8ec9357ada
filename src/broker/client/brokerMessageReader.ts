// The reader of a client's socket to the broker (the CLI's channel and a window's language
// client): vscode-jsonrpc's SocketMessageReader without its partial-message timer. That timer
// re-arms every 10 s for as long as a frame stays half read, and nothing clears it when the socket
// closes: a broker killed in the middle of a message left a ref'd timer firing forever, and a CLI
// (or a test) could not exit. Nothing here listens for the partial-message notice it feeds.
import type * as net from 'node:net';
import { SocketMessageReader } from 'vscode-jsonrpc/node';

export function brokerMessageReader(socket: net.Socket): SocketMessageReader {
  const reader = new SocketMessageReader(socket);
  reader.partialMessageTimeout = 0;
  return reader;
}
