// Where the broker's socket lives: one private folder per user, never trusted through a link.
//
//   $RESILIENT_CLAUDE_RUNTIME_DIR                 (an override: used as it is, or refused)
//   $XDG_RUNTIME_DIR/resilient-claude
//   <temp>/resilient-claude-<uid>                 (shared temp folder: another user may squat the name)
//   ~/.cache/resilient-claude/run                 (once the temp name was found squatted)
//
// A folder is made with a plain mkdir (which never follows a link and fails when the name
// exists), then checked with lstat and through a descriptor opened with O_NOFOLLOW: a real
// folder, owned by the user, mode 0700. `recheck` repeats the check (same folder, same owner,
// same mode) before every connect and after every wait. A squatted temp name is refused and
// the home folder is made ready, so the next connection shares a broker again.
//
// For files other code keeps there (the broker's proof key, an endpoint token): writePrivateFile
// and readPrivateFile, both 0600, neither following a link.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BROKER_PROTOCOL_VERSION } from './protocol';

export const RUNTIME_DIR_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

export class UnsafeRuntimeDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeRuntimeDirError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A folder checked to be private; `recheck` proves it is still the same one. */
export interface RuntimeDir {
  readonly path: string;
  /** Identity of the folder checked (device and inode), 0 on Windows. */
  readonly dev: number;
  readonly ino: number;
}

function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { code?: string }).code : undefined;
}

/** The folder used once the name in the shared temp folder was found squatted. */
export function homeRuntimeDir(env: Env = process.env): string {
  const home = env['HOME'] && path.isAbsolute(env['HOME']) ? env['HOME'] : homedir();
  return path.join(home, '.cache', 'resilient-claude', 'run');
}

function tempRuntimeDir(): string {
  const uid = currentUid();
  return path.join(tmpdir(), `resilient-claude-${uid ?? userInfo().username}`);
}

/** The folder for this user's broker (not created or checked). */
export function runtimeDirPath(env: Env = process.env): string {
  const override = env[RUNTIME_DIR_ENV];
  if (override) return path.resolve(override);
  const xdg = env['XDG_RUNTIME_DIR'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'resilient-claude');
  if (currentUid() === null) return tempRuntimeDir();
  const home = homeRuntimeDir(env);
  // Moved out of the temp folder after a squat: every client of this user then finds it here.
  return isPrivateDir(home) ? home : tempRuntimeDir();
}

function isPrivateDir(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === currentUid() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function describeMode(stat: Stats): string {
  return (stat.mode & 0o777).toString(8).padStart(4, '0');
}

/** Why `stat` (from lstat) is not a private folder of this user, or null when it is. */
function problemWith(dir: string, stat: Stats, uid: number): string | null {
  if (stat.isSymbolicLink()) return `Refusing the broker folder ${dir}: it is a symbolic link (someone else may have made it)`;
  if (!stat.isDirectory()) return `Refusing the broker folder ${dir}: it is not a folder`;
  if (stat.uid !== uid) return `Refusing the broker folder ${dir}: it belongs to user id ${stat.uid}, not to you (${uid})`;
  if ((stat.mode & 0o077) !== 0) return `Refusing the broker folder ${dir}: other users may enter it (mode ${describeMode(stat)}). Make it private (chmod 700 ${dir}) or remove it`;
  return null;
}

/** lstat, then the same folder through a descriptor that never follows a link. */
function checkFolder(dir: string, uid: number): { problem: string | null; stat: Stats | null } {
  let stat: Stats;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    return { problem: `The broker folder ${dir} cannot be read (${errorCode(error) ?? String(error)})`, stat: null };
  }
  const problem = problemWith(dir, stat, uid);
  if (problem) return { problem, stat };
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    return { problem: `Refusing the broker folder ${dir}: it changed while being checked (${errorCode(error) ?? String(error)})`, stat };
  }
  try {
    const held = fstatSync(fd);
    if (held.dev !== stat.dev || held.ino !== stat.ino) return { problem: `Refusing the broker folder ${dir}: it changed while being checked`, stat };
    return { problem: problemWith(dir, held, uid), stat: held };
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the folder (0700) when missing and checks it is private; throws UnsafeRuntimeDirError
 * otherwise. When the refused folder is the shared temp folder's name, the home folder is made
 * ready for the next connection and the message says so.
 */
export function ensurePrivateRuntimeDir(dir: string, env: Env = process.env): RuntimeDir {
  const uid = currentUid();
  if (uid === null) {
    // Windows: named pipes, and folder modes mean nothing there.
    mkdirSync(dir, { recursive: true });
    return { path: dir, dev: 0, ino: 0 };
  }
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  const { problem, stat } = checkFolder(dir, uid);
  if (problem === null && stat) return { path: dir, dev: stat.dev, ino: stat.ino };
  if (!env[RUNTIME_DIR_ENV] && dir === tempRuntimeDir()) {
    const moved = homeRuntimeDir(env);
    try {
      mkdirSync(moved, { recursive: true, mode: 0o700 });
      if (checkFolder(moved, uid).problem === null) {
        throw new UnsafeRuntimeDirError(`${problem}. This request runs in this process; the next ones share a broker in ${moved}.`);
      }
    } catch (error) {
      if (error instanceof UnsafeRuntimeDirError) throw error;
    }
  }
  throw new UnsafeRuntimeDirError(`${problem}. Remove it or set ${RUNTIME_DIR_ENV} to a folder of your own.`);
}

/** Proves the folder is still the one checked: same identity, owner and mode, not a link. */
export function recheckRuntimeDir(dir: RuntimeDir): void {
  const uid = currentUid();
  if (uid === null) return;
  const { problem, stat } = checkFolder(dir.path, uid);
  if (problem !== null) throw new UnsafeRuntimeDirError(`${problem}.`);
  if (!stat || stat.dev !== dir.dev || stat.ino !== dir.ino) throw new UnsafeRuntimeDirError(`Refusing the broker folder ${dir.path}: it was replaced after it was checked.`);
}

/**
 * Writes `name` in the folder, mode 0600, replacing any earlier file at once (a new file is
 * written beside it, never through a link, then renamed over it). Returns its path.
 */
export function writePrivateFile(dir: RuntimeDir, name: string, content: string | Buffer): string {
  recheckRuntimeDir(dir);
  const target = path.join(dir.path, name);
  const fresh = path.join(dir.path, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}`);
  // 'wx' is O_CREAT | O_EXCL: it never opens an existing file or follows a link.
  writeFileSync(fresh, content, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(fresh, target);
  } catch (error) {
    rmSync(fresh, { force: true });
    throw error;
  }
  return target;
}

/** The content of `name` when it is a regular file of this user that only they can read, else null. */
export function readPrivateFile(dir: RuntimeDir, name: string): Buffer | null {
  const uid = currentUid();
  let fd: number;
  try {
    fd = openSync(path.join(dir.path, name), constants.O_RDONLY | (uid === null ? 0 : constants.O_NOFOLLOW));
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return null;
    if (uid !== null && (stat.uid !== uid || (stat.mode & 0o077) !== 0)) return null;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Throws unless the socket path is free or holds a socket of this user (never a link). */
export function checkSocketPath(socketPath: string): void {
  const uid = currentUid();
  if (uid === null) return;
  let stat: Stats;
  try {
    stat = lstatSync(socketPath);
  } catch {
    return;
  }
  if (!stat.isSocket() || stat.uid !== uid) {
    throw new UnsafeRuntimeDirError(`Refusing the broker socket ${socketPath}: it is not a socket of yours. Remove it.`);
  }
}

/** The socket (or Windows named pipe) of this protocol version's broker. */
export function brokerSocketPath(dir: RuntimeDir | string, version: number = BROKER_PROTOCOL_VERSION): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\resilient-claude-${userInfo().username}-v${version}`;
  }
  return path.join(typeof dir === 'string' ? dir : dir.path, `broker-v${version}.sock`);
}

/** Where a running broker writes its process id (for diagnostics and tests). */
export function brokerPidPath(dir: RuntimeDir | string, version: number = BROKER_PROTOCOL_VERSION): string {
  return path.join(typeof dir === 'string' ? dir : dir.path, `broker-v${version}.pid`);
}

/** The name of the broker's proof key in the folder (see peerProof.ts). */
export function brokerKeyName(version: number = BROKER_PROTOCOL_VERSION): string {
  return `broker-v${version}.key`;
}
