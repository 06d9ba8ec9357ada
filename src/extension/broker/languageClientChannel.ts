// A window's channel to the user's broker through vscode-languageclient. The socket is connected
// (or the broker started) first, so a failure never reaches the language client's own error
// popups; the server options then hand that socket over as the client's StreamInfo. The client
// never restarts a lost broker itself (SharedManager reconnects), and its stop() — LSP shutdown
// and exit — is how this window leaves. Bundled on its own (dist/lazy/broker-client.js) and
// loaded on first use, so activation does not parse the language client.
import type * as vscode from 'vscode';
import { CancellationTokenSource, CloseAction, ErrorAction, LanguageClient, RevealOutputChannelOn, State } from 'vscode-languageclient/node';
import type { StreamInfo } from 'vscode-languageclient/node';
import type { BrokerChannel } from '../../broker/client/channel';
import { connectOrStartBroker } from '../../broker/client/connect';
import { spawnBroker } from '../../broker/client/spawnBroker';
import { BROKER_PROTOCOL_VERSION, parseBrokerInfo } from '../../broker/protocol';
import type { HelloOptions } from '../../broker/protocol';

export interface WindowChannelOptions {
  readonly runtimeDir: string;
  /** dist/broker.js of this extension. */
  readonly brokerScript: string;
  /** This window's client name (`resilient-claude-vscode/0.1.0`). */
  readonly name: string;
  readonly log: vscode.LogOutputChannel;
}

export async function openLanguageClientChannel(options: WindowChannelOptions): Promise<BrokerChannel> {
  const socket = await connectOrStartBroker({
    runtimeDir: options.runtimeDir,
    start: () => spawnBroker({ script: options.brokerScript, runtimeDir: options.runtimeDir }),
  });
  const serverOptions = (): Promise<StreamInfo> => Promise.resolve({ reader: socket, writer: socket });
  const hello: HelloOptions = { protocolVersion: BROKER_PROTOCOL_VERSION, kind: 'window', name: options.name };
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
  const closeListeners: Array<() => void> = [];
  let closed = false;
  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    for (const listener of closeListeners.splice(0)) listener();
  };
  client.onDidChangeState((change) => {
    if (change.newState === State.Stopped) markClosed();
  });
  socket.on('close', markClosed);
  try {
    await client.start();
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const result = client.initializeResult as { broker?: unknown } | undefined;
  const info = parseBrokerInfo(result?.broker);
  if (!info) {
    await client.dispose().catch(() => undefined);
    throw new Error('The broker answered the handshake with something unexpected.');
  }
  return {
    info,
    async sendRequest(method, params, signal) {
      const source = new CancellationTokenSource();
      const onAbort = (): void => source.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await client.sendRequest(method, params, source.token);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
    onNotification(method, handler) {
      client.onNotification(method, (params: unknown) => handler(params));
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
    async leave() {
      try {
        if (client.isRunning()) await client.stop(2_000);
      } catch {
        // The broker went away first: leaving is done either way.
      }
      socket.destroy();
      markClosed();
    },
  };
}
