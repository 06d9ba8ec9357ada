// History storage in one JSON file. Writes are atomic (temp file in the same directory,
// fsync, rename), so a crash mid-write leaves the previous file intact; unusable files are
// renamed to `<name>.corrupt-<timestamp>` and only the newest few of those are kept.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { HistoryStorage } from './historyTypes';

const KEPT_CORRUPT_FILES = 3;
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

export function createFileHistoryStorage(filePath: string): FileHistoryStorage {
  if (typeof filePath !== 'string' || filePath.trim() === '') {
    throw new TypeError('createFileHistoryStorage needs a file path');
  }
  const target = path.resolve(filePath);
  const directory = path.dirname(target);
  const baseName = path.basename(target);
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

  async function pruneOldCorruptFiles(): Promise<void> {
    const prefix = `${baseName}.corrupt-`;
    const names = (await fs.readdir(directory)).filter((name) => name.startsWith(prefix)).sort();
    for (const name of names.slice(0, Math.max(0, names.length - KEPT_CORRUPT_FILES))) {
      await fs.rm(path.join(directory, name), { force: true });
    }
  }

  async function setAside(_reason: string): Promise<void> {
    let destination = `${target}.corrupt-${fileTimestamp(new Date())}`;
    for (let n = 1; await exists(destination); n += 1) {
      destination = `${target}.corrupt-${fileTimestamp(new Date())}-${n}`;
    }
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
