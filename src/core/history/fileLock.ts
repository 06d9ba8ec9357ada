// A lock file beside a file several processes save (the history: every window, the CLI, the
// broker). Taken with O_EXCL; its text names the holder (pid, host). A lock is stale — its holder
// crashed — when the holder is a process of this machine that no longer runs, or when it is older
// than any save could take; a stale lock is removed and the take retried. Waiting is bounded,
// on an injected clock (the real one unless a test moves time itself).
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { systemClock } from '../clock';
import type { Clock } from '../contract';

/** No save holds the lock this long; an older lock was left by a crash (e.g. on another host). */
export const STALE_AFTER_MS = 30_000;
/** The longest a save waits for another writer's lock. */
export const WAIT_LIMIT_MS = 15_000;
const RETRY_MS = 25;

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** True when the lock at `lockPath` was left by a holder that is gone. */
async function isStale(lockPath: string, now: number): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
  } catch {
    return false; // Released meanwhile, or unreadable: try again.
  }
  if (now - mtimeMs > STALE_AFTER_MS) return true;
  const [pid, host] = text.trim().split(/\s+/);
  const holder = Number(pid);
  // A lock being written right now has no text yet: not stale.
  return host === hostname() && Number.isInteger(holder) && holder > 0 && !processRuns(holder);
}

/** Runs `fn` holding the lock file `lockPath`; rejects when the lock stays held past the wait limit. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, clock: Clock = systemClock): Promise<T> {
  const started = clock.now();
  for (;;) {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(lockPath, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    if (handle) {
      try {
        await handle.writeFile(`${process.pid} ${hostname()} ${new Date().toISOString()}\n`, 'utf8');
        await handle.close();
        handle = undefined;
        return await fn();
      } finally {
        await handle?.close().catch(() => undefined);
        await fs.rm(lockPath, { force: true }).catch(() => undefined);
      }
    }
    const now = clock.now();
    if (await isStale(lockPath, now)) {
      await fs.rm(lockPath, { force: true }).catch(() => undefined);
      continue;
    }
    if (now - started > WAIT_LIMIT_MS) throw new Error(`${lockPath} stayed locked by another writer for ${Math.round(WAIT_LIMIT_MS / 1000)} s.`);
    await clock.sleep(RETRY_MS + Math.floor(Math.random() * RETRY_MS));
  }
}
