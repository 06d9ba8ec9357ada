// Where the broker's socket lives: one private folder per user ($XDG_RUNTIME_DIR/resilient-claude,
// else resilient-claude-<uid> under the temp folder; RESILIENT_CLAUDE_RUNTIME_DIR overrides it),
// mode 0700 and owned by the user. A folder that belongs to someone else or that others may
// enter is refused: credentials travel over this socket.
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { BROKER_PROTOCOL_VERSION } from './protocol';

export const RUNTIME_DIR_ENV = 'RESILIENT_CLAUDE_RUNTIME_DIR';

export class UnsafeRuntimeDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeRuntimeDirError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/** The folder for this user's broker (not created or checked). */
export function runtimeDirPath(env: Env = process.env): string {
  const override = env[RUNTIME_DIR_ENV];
  if (override) return path.resolve(override);
  const xdg = env['XDG_RUNTIME_DIR'];
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'resilient-claude');
  const uid = currentUid();
  return path.join(tmpdir(), `resilient-claude-${uid ?? userInfo().username}`);
}

/** Creates the folder (0700) when missing and checks it is private; throws UnsafeRuntimeDirError otherwise. */
export function ensurePrivateRuntimeDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = currentUid();
  if (uid === null) return dir; // Windows: named pipes, and folder modes mean nothing there.
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new UnsafeRuntimeDirError(`The broker folder ${dir} is not a folder; remove it or set ${RUNTIME_DIR_ENV}.`);
  if (stat.uid !== uid) {
    throw new UnsafeRuntimeDirError(
      `Refusing the broker folder ${dir}: it belongs to user id ${stat.uid}, not to you (${uid}). Remove it or set ${RUNTIME_DIR_ENV} to a folder of your own.`,
    );
  }
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new UnsafeRuntimeDirError(
      `Refusing the broker folder ${dir}: other users may enter it (mode ${mode.toString(8).padStart(4, '0')}). Make it private (chmod 700 ${dir}) or remove it.`,
    );
  }
  return dir;
}

/** The socket (or Windows named pipe) of this protocol version's broker. */
export function brokerSocketPath(dir: string, version: number = BROKER_PROTOCOL_VERSION): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\resilient-claude-${userInfo().username}-v${version}`;
  }
  return path.join(dir, `broker-v${version}.sock`);
}

/** Where a running broker writes its process id (for diagnostics and tests). */
export function brokerPidPath(dir: string, version: number = BROKER_PROTOCOL_VERSION): string {
  return path.join(dir, `broker-v${version}.pid`);
}
