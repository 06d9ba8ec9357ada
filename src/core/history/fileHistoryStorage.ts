// History storage in one JSON file. Writes are atomic (temp file in the same directory,
// fsync, rename), so a crash mid-write leaves the previous file intact; unusable files are
// renamed to `<name>.corrupt-<timestamp>[-<counter>]`, names that sort in the order the files were
// set aside, and only the newest few of those are kept. A save (read, merge, write) runs under a
// lock file beside the history, so windows and processes saving at once lose nothing.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HistoryClock, HistoryStorage } from './historyTypes';
import { withFileLock } from './fileLock';

const KEPT_CORRUPT_FILES = 3;
/** Digits of the counter that tells apart files set aside within one millisecond (sorts as text). */
const COLLISION_DIGITS = 4;
/** A temp file this old was left by a write that crashed (a live write takes well under a second). */
const STALE_TEMP_MS = 10 * 60_000;

export interface FileHistoryStorage extends HistoryStorage {
  readonly path: string;
  /** Where the last setAside moved the file, if it has moved one. */
  readonly lastSetAsidePath: string | undefined;
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** 2026-11-22T05:34:17.123Z → 20261122T053417123Z (valid in file names on every OS). */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

async function syncDirectory(directory: string): Promise<void> {
  // Makes the rename itself durable on POSIX; directories cannot be opened this way on Windows.
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    // Best effort only.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export interface FileHistoryStorageOptions {
  /** Names set-aside files (default: the system clock). */
  readonly clock?: HistoryClock;
}

export function createFileHistoryStorage(filePath: string, options: FileHistoryStorageOptions = {}): FileHistoryStorage {
  if (typeof filePath !== 'string' || filePath.trim() === '') {
    throw new TypeError('createFileHistoryStorage needs a file path');
  }
  const target = path.resolve(filePath);
  const directory = path.dirname(target);
  const baseName = path.basename(target);
  const clock = options.clock ?? Date;
  let lastSetAsidePath: string | undefined;

  async function read(): Promise<string | undefined> {
    try {
      return await fs.readFile(target, 'utf8');
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  const tempPrefix = `.${baseName}.`;

  async function removeStaleTempFiles(): Promise<void> {
    const now = Date.now();
    for (const name of await fs.readdir(directory)) {
      if (!name.startsWith(tempPrefix) || !name.endsWith('.tmp')) continue;
      const candidate = path.join(directory, name);
      const stat = await fs.stat(candidate).catch(() => undefined);
      if (stat !== undefined && now - stat.mtimeMs > STALE_TEMP_MS) await fs.rm(candidate, { force: true });
    }
  }

  async function write(data: string): Promise<void> {
    await fs.mkdir(directory, { recursive: true });
    await removeStaleTempFiles().catch(() => undefined);
    const temp = path.join(directory, `${tempPrefix}${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(temp, 'wx', 0o600);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fs.rename(temp, target);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(directory);
  }

  const asidePrefix = `${baseName}.corrupt-`;

  async function setAsideNames(): Promise<string[]> {
    return (await fs.readdir(directory)).filter((name) => name.startsWith(asidePrefix)).sort();
  }

  async function pruneOldCorruptFiles(): Promise<void> {
    const names = await setAsideNames();
    for (const name of names.slice(0, Math.max(0, names.length - KEPT_CORRUPT_FILES))) {
      await fs.rm(path.join(directory, name), { force: true });
    }
  }

  /**
   * A set-aside name that sorts after every one already there, so pruning (by name) always keeps
   * the newest files: the time, and when that is not later than the newest name (set aside within
   * the same millisecond, or the clock went back), the newest name's time with the next counter.
   */
  async function nextSetAsideName(): Promise<string> {
    const stamped = `${asidePrefix}${fileTimestamp(new Date(clock.now()))}`;
    const newest = (await setAsideNames().catch(() => [])).at(-1);
    if (newest === undefined || stamped > newest) return stamped;
    const parts = /^(.*?Z)(?:-(\d+))?$/.exec(newest.slice(asidePrefix.length));
    const counter = Number(parts?.[2] ?? 0) + 1;
    return `${asidePrefix}${parts?.[1] ?? newest.slice(asidePrefix.length)}-${String(counter).padStart(COLLISION_DIGITS, '0')}`;
  }

  async function setAside(_reason: string): Promise<void> {
    let destination = path.join(directory, await nextSetAsideName());
    // Another window may have taken the name meanwhile: a rename would silently replace its file.
    for (let n = 1; await exists(destination); n += 1) destination = `${destination}-${n}`;
    try {
      await fs.rename(target, destination);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    lastSetAsidePath = destination;
    await pruneOldCorruptFiles().catch(() => undefined);
  }

  return {
    path: target,
    get lastSetAsidePath() {
      return lastSetAsidePath;
    },
    read,
    write,
    setAside,
    exclusive: async <T>(fn: () => Promise<T>): Promise<T> => {
      await fs.mkdir(directory, { recursive: true });
      return withFileLock(`${target}.lock`, fn);
    },
  };
}

async function exists(candidate: string): Promise<boolean> {
  try {
    await fs.access(candidate);
    return true;
  } catch {
    return false;
  }
}
