// Reaching the user's broker: connect to its socket; when none answers (no socket, or a stale one
// that refuses), start a broker and try again with backoff (p-retry) within a total time cap. Two
// clients starting at once each start one; the brokers settle which one serves (socketClaim.ts)
// and both clients end up on it. An unsafe runtime folder is refused at once, never retried;
// it is checked again (same folder, owner, mode, no link) before every connect.
import * as net from 'node:net';
import { brokerSocketPath, checkSocketPath, ensurePrivateRuntimeDir, recheckRuntimeDir, UnsafeRuntimeDirError } from '../runtimeDir';
import type { RuntimeDir } from '../runtimeDir';

export interface ConnectOptions {
  readonly runtimeDir: string;
  /** Starts a broker process (detached); called when none answers, at most every `restartAfterMs`. */
  readonly start: () => void;
  /** Give up after this long (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const RESTART_AFTER_MS = 3_000;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function connectOnce(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

export interface BrokerSocket {
  readonly socket: net.Socket;
  /** The checked folder the socket is in (its broker's proof key is read there). */
  readonly dir: RuntimeDir;
  /** This call started a broker (its first answers may take longer). */
  readonly startedBroker: boolean;
}

/** A connected socket to the user's broker, started if need be. */
export async function connectOrStartBroker(options: ConnectOptions): Promise<BrokerSocket> {
  const dir = ensurePrivateRuntimeDir(options.runtimeDir);
  const socketPath = brokerSocketPath(dir);
  const { default: pRetry, AbortError } = await import('p-retry');
  let lastStart = -Infinity;
  const socket = await pRetry(
    async () => {
      try {
        recheckRuntimeDir(dir);
        checkSocketPath(socketPath);
      } catch (error) {
        throw new AbortError(error instanceof Error ? error : String(error));
      }
      try {
        return await connectOnce(socketPath);
      } catch (error) {
        const code = errorCode(error);
        if (code !== 'ENOENT' && code !== 'ECONNREFUSED' && code !== 'EAGAIN') throw new AbortError(error instanceof Error ? error : String(error));
        if (Date.now() - lastStart >= RESTART_AFTER_MS) {
          lastStart = Date.now();
          options.start();
        }
        throw error;
      }
    },
    {
      retries: 100,
      minTimeout: 50,
      maxTimeout: 500,
      factor: 1.5,
      maxRetryTime: options.timeoutMs ?? 10_000,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
  return { socket, dir, startedBroker: lastStart !== -Infinity };
}

export { UnsafeRuntimeDirError };
