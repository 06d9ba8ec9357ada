// Signatures of thinking blocks: the simulator signs what it thought, and
// checks that a thinking block sent back in a later request is unchanged, as
// the API does. Valid across simulator instances (one fixed key), as real
// signatures are valid across the API, Bedrock and Vertex.
import { createHmac, timingSafeEqual } from 'node:crypto';

const KEY = 'resilient-claude-simulator-thinking';
const PREFIX = Buffer.from('SIMSIG1:', 'latin1');

function mac(thinking: string): Buffer {
  return createHmac('sha256', KEY).update(thinking, 'utf8').digest();
}

export function signThinking(thinking: string): string {
  return Buffer.concat([PREFIX, mac(thinking)]).toString('base64');
}

export function signatureMatches(thinking: string, signature: string): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== PREFIX.length + 32 || !bytes.subarray(0, PREFIX.length).equals(PREFIX)) return false;
  return timingSafeEqual(bytes.subarray(PREFIX.length), mac(thinking));
}
