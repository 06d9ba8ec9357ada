// The endpoint's own per-user token: whoever presents it is served with the user's stored
// credentials. It lives in the user's private runtime folder (0700) in a file of mode 0600,
// created without following a link and never overwritten by another user's file; it is
// compared in constant time. It has a recognisable prefix, so a wrong token is refused here
// instead of being sent upstream as if it were a client's own key.
import { constants, closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as path from 'node:path';

export const TOKEN_PREFIX = 'rc-endpoint-';
export const TOKEN_FILE = 'endpoint-token';

export class EndpointTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointTokenError';
  }
}

const TOKEN_SHAPE = /^rc-endpoint-[A-Za-z0-9_-]{43}$/;

function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

/** Checks an open token file is a regular file of this user that nobody else may read. */
function checkPrivate(fd: number, file: string): void {
  const stat = fstatSync(fd);
  if (!stat.isFile()) throw new EndpointTokenError(`The endpoint token ${file} is not a regular file; remove it.`);
  const uid = currentUid();
  if (uid === null) return;
  if (stat.uid !== uid) throw new EndpointTokenError(`Refusing the endpoint token ${file}: it belongs to user id ${stat.uid}, not to you.`);
  if ((stat.mode & 0o077) !== 0) throw new EndpointTokenError(`Refusing the endpoint token ${file}: others may read it (chmod 600 ${file}, or remove it for a new one).`);
}

/** The token file's path in a runtime folder (which the caller has checked is private). */
export function endpointTokenPath(runtimeDir: string): string {
  return path.join(runtimeDir, TOKEN_FILE);
}

/** Reads the token (never through a link), creating it (0600) when there is none. */
export function ensureEndpointToken(runtimeDir: string): string {
  const file = endpointTokenPath(runtimeDir);
  const noFollow = constants.O_NOFOLLOW ?? 0;
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | noFollow, 0o600);
    try {
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      writeSync(fd, `${token}\n`);
      return token;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | noFollow);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new EndpointTokenError(`Refusing the endpoint token ${file}: it is a link; remove it.`);
    throw error;
  }
  try {
    checkPrivate(fd, file);
    const token = readFileSync(fd, 'utf8').trim();
    if (!TOKEN_SHAPE.test(token)) throw new EndpointTokenError(`The endpoint token ${file} is damaged; remove it for a new one.`);
    return token;
  } finally {
    closeSync(fd);
  }
}

/** True when `value` looks like an endpoint token (right or wrong). */
export function looksLikeEndpointToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time comparison (over digests, so lengths never show). */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}
