// What a client needs of its connection to the broker, whatever carries it: vscode-jsonrpc in
// the CLI and tests, vscode-languageclient in a window.
import type { BrokerInfo } from '../protocol';

export interface BrokerChannel {
  /** Who answered the handshake. */
  readonly info: BrokerInfo;
  /** A request; the signal cancels it on the broker ($/cancelRequest). Rejects when the channel closes. */
  sendRequest(method: string, params: unknown, signal?: AbortSignal): Promise<unknown>;
  onNotification(method: string, handler: (params: unknown) => void): void;
  /** Called once when the connection is gone (the broker died or the client left). */
  onClose(listener: () => void): void;
  /** This client leaves (LSP shutdown + exit); the broker keeps serving the others. */
  leave(): Promise<void>;
}
