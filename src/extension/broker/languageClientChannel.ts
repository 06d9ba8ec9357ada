// A window's channel to the user's broker through vscode-languageclient. The socket is connected
// (or the broker started) first, so a failure never reaches the language client's own error
// popups; the server options then hand that socket over as the client's reader (without its
// partial-message timer: brokerMessageReader.ts) and writer. The client never restarts a lost
// broker itself (SharedManager reconnects), and its stop() — LSP shutdown and exit — is how this
// window leaves. The handshake is bounded and the broker's proof checked
// (rpcChannel.ts, shared with the CLI's channel). Bundled on its own (dist/lazy/broker-client.js)
// and loaded on first use, so activation does not parse the language client.
import type * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, RevealOutputChannelOn } from 'vscode-languageclient/node';
import type { MessageTransports } from 'vscode-languageclient/node';
import { SocketMessageWriter } from 'vscode-jsonrpc/node';
import { brokerMessageReader } from '../../broker/client/brokerMessageReader';
import type { BrokerChannel } from '../../broker/client/channel';
import type { ClientKind } from '../../broker/protocol';
import { connectOrStartBroker } from '../../broker/client/connect';
import { LEAVE_TIMEOUT_MS, helloFor, openBrokerChannel } from '../../broker/client/rpcChannel';
import { spawnBroker } from '../../broker/client/spawnBroker';

export interface WindowChannelOptions {
  readonly runtimeDir: string;
  /** dist/broker.js of this extension. */
  readonly brokerScript: string;
  /** This window's client name (`resilient-claude-vscode/0.1.0`). */
  readonly name: string;
  readonly log: vscode.LogOutputChannel;
  /** 'endpoint' for the channel that holds the local endpoint (default: the window's own). */
  readonly kind?: ClientKind;
}

export async function openLanguageClientChannel(options: WindowChannelOptions): Promise<BrokerChannel> {
  const brokerSocket = await connectOrStartBroker({
    runtimeDir: options.runtimeDir,
    start: () => spawnBroker({ script: options.brokerScript, runtimeDir: options.runtimeDir }),
  });
  const { socket } = brokerSocket;
  const serverOptions = (): Promise<MessageTransports> => Promise.resolve({ reader: brokerMessageReader(socket), writer: new SocketMessageWriter(socket) });
  const hello = helloFor(options.kind ?? 'window', options.name);
  const client = new LanguageClient('resilientClaude.broker', 'Resilient Claude broker', serverOptions, {
    documentSelector: [],
    initializationOptions: hello,
    outputChannel: options.log,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: () => false,
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue, handled: true }),
      closed: () => ({ action: CloseAction.DoNotRestart, handled: true }),
    },
  });
  return openBrokerChannel(brokerSocket, hello, {
    rpc: client,
    socket,
    start: async () => {
      await client.start();
      return client.initializeResult;
    },
    goodbye: async () => {
      if (client.isRunning()) await client.stop(LEAVE_TIMEOUT_MS);
    },
    dispose: () => void client.dispose(LEAVE_TIMEOUT_MS).catch(() => undefined),
  });
}
