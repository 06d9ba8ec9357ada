// How a client knows the process on the other end of the socket is its own user's broker before
// it sends any credential (Node gives no SO_PEERCRED): the broker writes a random key, 0600, in
// the private runtime folder when it claims the socket; a client sends a fresh challenge in its
// handshake and the broker answers HMAC-SHA256(key, challenge). Only a process that can read
// the user's private folder can answer; the key itself never crosses the socket.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RuntimeDir } from './runtimeDir';
import { brokerKeyName, readPrivateFile, writePrivateFile } from './runtimeDir';

const CHALLENGE = /^[0-9a-f]{64}$/;
const CONTEXT = 'resilient-claude broker proof\n';

/** A fresh challenge for one handshake (32 random bytes, hex). */
export function newChallenge(): string {
  return randomBytes(32).toString('hex');
}

export function isChallenge(value: unknown): value is string {
  return typeof value === 'string' && CHALLENGE.test(value);
}

/** The broker's answer to a challenge. */
export function proofFor(key: Buffer, challenge: string): string {
  return createHmac('sha256', key).update(CONTEXT).update(challenge).digest('hex');
}

/** A new key for the broker that just claimed the socket (replaces any earlier broker's). */
export function createBrokerKey(dir: RuntimeDir): Buffer {
  const key = randomBytes(32);
  writePrivateFile(dir, brokerKeyName(), key);
  return key;
}

/** True when `proof` answers `challenge` with the key in the user's private folder. */
export function verifyBrokerProof(dir: RuntimeDir, challenge: string, proof: unknown): boolean {
  if (typeof proof !== 'string' || !/^[0-9a-f]{64}$/.test(proof)) return false;
  const key = readPrivateFile(dir, brokerKeyName());
  if (!key || key.length < 16) return false;
  return timingSafeEqual(Buffer.from(proofFor(key, challenge), 'hex'), Buffer.from(proof, 'hex'));
}
