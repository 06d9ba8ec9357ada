// Claiming the one socket of the user's broker, as VS Code's claimInstance does: listen; on
// EADDRINUSE try to connect — a live broker answers and this one steps aside; ECONNREFUSED means
// a stale socket left by a dead broker, removed (under a short lock, so two starting brokers do
// not remove each other's fresh socket) before listening again.
import { mkdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import * as net from 'node:net';

/** A lock older than this was left by a broker that died while recovering. */
const STALE_LOCK_MS = 10_000;
const CLAIM_ROUNDS = 20;
const ROUND_PAUSE_MS = 100;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function listen(socketPath: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.removeListener('error', onError);
      resolve(server);
    });
  });
}

/** True when something answers on the socket. */
export function canConnect(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function tryLock(lockPath: string): boolean {
  try {
    mkdirSync(lockPath, { mode: 0o700 });
    return true;
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
    const age = Date.now() - (statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_LOCK_MS) rmSync(lockPath, { recursive: true, force: true });
    return false;
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The listening server, or null when another broker already serves this socket. `recheck`
 * (which throws when the folder is no longer safe) runs before each try, so after every wait.
 */
export async function claimSocket(socketPath: string, recheck: () => void = () => undefined): Promise<net.Server | null> {
  for (let round = 0; round < CLAIM_ROUNDS; round++) {
    recheck();
    try {
      return await listen(socketPath);
    } catch (error) {
      if (errorCode(error) !== 'EADDRINUSE') throw error;
    }
    if (await canConnect(socketPath)) return null;
    if (process.platform === 'win32') return null; // A named pipe in use is never stale.
    const lockPath = `${socketPath}.lock`;
    if (!tryLock(lockPath)) {
      await pause(ROUND_PAUSE_MS);
      continue;
    }
    try {
      if (await canConnect(socketPath)) return null;
      recheck();
      try {
        unlinkSync(socketPath);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
      return await listen(socketPath);
    } catch (error) {
      if (errorCode(error) !== 'EADDRINUSE') throw error;
    } finally {
      rmSync(lockPath, { recursive: true, force: true });
    }
  }
  throw new Error(`Could not claim the broker socket ${socketPath}: it stayed in use without answering.`);
}
