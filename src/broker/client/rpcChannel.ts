// The one adapter from a JSON-RPC endpoint on the broker's socket to a BrokerChannel: a
// vscode-jsonrpc MessageConnection (CLI, tests) and a vscode-languageclient LanguageClient
// (windows) offer the same sendRequest / onNotification, so both go through here. It also
// holds what every client must do whatever carries it: a fresh challenge in the handshake, and
// the broker's proof checked against the key in the user's private folder before anything else
// is sent; every wait bounded (handshake, requests given a time, leaving).
import type * as net from 'node:net';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { CancellationToken } from 'vscode-jsonrpc/node';
import { isChallenge, newChallenge, verifyBrokerProof } from '../peerProof';
import { BROKER_PROTOCOL_VERSION, parseHandshake, parseRefusal } from '../protocol';
import type { BrokerInfo, ClientKind, HelloOptions } from '../protocol';
import type { RuntimeDir } from '../runtimeDir';
import type { BrokerChannel } from './channel';
import type { BrokerSocket } from './connect';

/** The handshake (connect to initialize result) with a running broker gives up after this long. */
export const HANDSHAKE_TIMEOUT_MS = 3_000;
/** … with a broker this client has just started (a new process, maybe on a loaded machine). */
export const FRESH_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Attaching and a breaker reset give up after this long. */
export const ATTACH_TIMEOUT_MS = 5_000;

/** How long the handshake may take on this socket. */
export function handshakeTimeoutMs(startedBroker: boolean): number {
  return startedBroker ? FRESH_HANDSHAKE_TIMEOUT_MS : HANDSHAKE_TIMEOUT_MS;
}
/** Leaving (shutdown, exit) gives up after this long and just closes the socket. */
export const LEAVE_TIMEOUT_MS = 1_000;

/** The slice of a MessageConnection or a LanguageClient the channel uses. */
export interface RpcEndpoint {
  sendRequest(method: string, params: unknown, token: CancellationToken): Promise<unknown>;
  onNotification(method: string, handler: (params: unknown) => void): unknown;
}

export interface Transport {
  readonly rpc: RpcEndpoint;
  readonly socket: net.Socket;
  /** Says goodbye the transport's way (LSP shutdown, then exit). */
  goodbye(): Promise<void>;
  /** Frees the connection or client object. */
  dispose(): void;
}

export class BrokerTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} got no answer within ${ms} ms`);
    this.name = 'BrokerTimeoutError';
  }
}

/** The broker answered the handshake with a refusal (it serves as many connections as it takes). */
export class BrokerRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'BrokerRefusedError';
  }
}

/** `promise`, or a BrokerTimeoutError after `ms`. */
export function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BrokerTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** This client's `initializationOptions`, with a fresh challenge. */
export function helloFor(kind: ClientKind, name: string): HelloOptions {
  return { protocolVersion: BROKER_PROTOCOL_VERSION, kind, name, challenge: newChallenge() };
}

/**
 * Who answered the handshake, once its proof shows it reads the user's private folder; throws
 * otherwise (nothing else is sent to a process that cannot prove it is this user's broker).
 */
export function checkHandshake(dir: RuntimeDir, hello: HelloOptions, initializeResult: unknown): BrokerInfo {
  const refusal = parseRefusal(initializeResult);
  if (refusal !== null) throw new BrokerRefusedError(refusal);
  const handshake = parseHandshake(initializeResult);
  if (!handshake) throw new Error('The broker answered the handshake with something unexpected.');
  if (!isChallenge(hello.challenge) || !verifyBrokerProof(dir, hello.challenge, handshake.proof)) {
    throw new Error(`The process on the broker socket in ${dir.path} could not prove it is your broker; nothing was sent to it.`);
  }
  return handshake.broker;
}

/**
 * The handshake every client does, whatever carries it: `initialize` (sent by `start`, which
 * resolves with its result) within the time limit, the broker's proof checked, then the channel.
 * On any failure the transport and socket are let go and nothing else is sent.
 */
export async function openBrokerChannel(
  { socket, dir, startedBroker }: BrokerSocket,
  hello: HelloOptions,
  transport: Transport & { start(): Promise<unknown> },
): Promise<BrokerChannel> {
  try {
    const result = await withinTime(transport.start(), handshakeTimeoutMs(startedBroker), 'The broker handshake');
    return brokerChannel(transport, checkHandshake(dir, hello, result));
  } catch (error) {
    socket.destroy();
    transport.dispose();
    throw error;
  }
}

function brokerChannel(transport: Transport, info: BrokerInfo): BrokerChannel {
  const { rpc, socket } = transport;
  const closeListeners: Array<() => void> = [];
  let closed = false;
  let disposed = false;
  // Rejects what is still pending on the connection, so no wait (nor its timer) outlives it.
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    transport.dispose();
  };
  const markClosed = (): void => {
    if (closed) return;
    closed = true;
    dispose();
    for (const listener of closeListeners.splice(0)) listener();
  };
  socket.on('error', markClosed);
  socket.on('close', markClosed);
  return {
    info,
    async request(type, params, options = {}) {
      const { signal, timeoutMs } = options;
      const source = new CancellationTokenSource();
      const onAbort = (): void => source.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const sent = rpc.sendRequest(type.method, params, source.token);
        const answer = await (timeoutMs === undefined ? sent : withinTime(sent, timeoutMs, `The broker's ${type.method}`));
        const result = type.result(answer);
        if (result === undefined) throw new Error(`The broker answered ${type.method} with something unexpected.`);
        return result;
      } finally {
        signal?.removeEventListener('abort', onAbort);
        source.dispose();
      }
    },
    onNotification(type, handler) {
      rpc.onNotification(type.method, (raw: unknown) => {
        const params = type.params(raw);
        if (params !== undefined) handler(params);
      });
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
    abandon() {
      socket.destroy();
      markClosed();
    },
    async leave() {
      if (!closed) await withinTime(transport.goodbye(), LEAVE_TIMEOUT_MS, 'Leaving the broker').catch(() => undefined);
      socket.destroy();
      markClosed();
    },
  };
}
