import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[bytes[i]! % 62];
  return out;
}

/** A unique request id, shaped like the API's (`req_…`) but marked as simulated. */
export function newRequestId(): string {
  return `req_sim_${base62(24)}`;
}

export function newMessageId(): string {
  return `msg_sim_${base62(24)}`;
}

/** A Message Batch id, shaped like the API's (`msgbatch_…`), marked as simulated. */
export function newBatchId(): string {
  return `msgbatch_sim_${base62(24)}`;
}

export function newToolUseId(): string {
  return `toolu_sim_${base62(22)}`;
}
