// The endpoint's own per-user token: whoever presents it is served with the user's stored
// credentials. It lives in the user's private runtime folder in a file of mode 0600, read and
// written without following a link (runtimeDir.ts); a file that is not a private regular file
// of this user, or holds no token, is replaced by a fresh token (a client holding the old one is
// then told to copy it again). It is compared in constant time, and has a recognisable prefix,
// so a wrong token is refused here instead of being sent upstream as if it were a client's key.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as path from 'node:path';
import type { RuntimeDir } from '../runtimeDir';
import { readPrivateFile, writePrivateFile } from '../runtimeDir';

export const TOKEN_PREFIX = 'rc-endpoint-';
export const TOKEN_FILE = 'endpoint-token';

const TOKEN_SHAPE = /^rc-endpoint-[A-Za-z0-9_-]{43}$/;

/** The token file's path in a runtime folder. */
export function endpointTokenPath(dir: RuntimeDir): string {
  return path.join(dir.path, TOKEN_FILE);
}

/** The token of this folder, made (0600) when there is none or the file cannot be trusted. */
export function ensureEndpointToken(dir: RuntimeDir): string {
  const existing = readPrivateFile(dir, TOKEN_FILE)?.toString('utf8').trim();
  if (existing !== undefined && TOKEN_SHAPE.test(existing)) return existing;
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  writePrivateFile(dir, TOKEN_FILE, `${token}\n`);
  return token;
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
