// What a client needs of its connection to the broker, whatever carries it: vscode-jsonrpc in
// the CLI and tests, vscode-languageclient in a window (one adapter for both: rpcChannel.ts).
// Requests and notifications are typed by the protocol's descriptors: what arrives is
// validated before a caller sees it.
import type { BrokerInfo, BrokerNotificationType, BrokerRequestType } from '../protocol';

export interface RequestOptions {
  /** Cancels the request on the broker ($/cancelRequest); the promise rejects at once. */
  readonly signal?: AbortSignal;
  /** Rejects (and leaves the request to the broker) when no answer came in this long. */
  readonly timeoutMs?: number;
}

export interface BrokerChannel {
  /** Who answered the handshake (and proved it is this user's broker). */
  readonly info: BrokerInfo;
  /** A request; rejects when the channel closes, the answer is malformed, or the time is up. */
  request<P, R>(type: BrokerRequestType<P, R>, params: P, options?: RequestOptions): Promise<R>;
  /** Malformed notifications never reach the handler. */
  onNotification<P>(type: BrokerNotificationType<P>, handler: (params: P) => void): void;
  /** Called once when the connection is gone (the broker died, was abandoned, or the client left). */
  onClose(listener: () => void): void;
  /** Drops the connection at once (a broker that stopped answering); close listeners run. */
  abandon(): void;
  /** This client leaves (LSP shutdown + exit, bounded in time); the broker keeps serving the others. */
  leave(): Promise<void>;
}
