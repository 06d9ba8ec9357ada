// The API's limits on one Message Batch, checked before anything is sent: at most
// 100,000 requests and 256 MB, and a unique, well-formed custom_id per request.
import type { BatchRequestSpec } from './batchTypes';

export const MAX_BATCH_REQUESTS = 100_000;
export const MAX_BATCH_BYTES = 256 * 1024 * 1024;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/** A custom_id naming `label` (a file name, say), made unique by its position. */
export function customIdFor(label: string, index: number): string {
  const prefix = `r${index + 1}-`;
  const name = label.replace(/[^a-zA-Z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'request';
  return `${prefix}${name}`.slice(0, 64);
}

/** The size of the create call's body, in bytes (what the 256 MB limit applies to). */
export function batchBodyBytes(requests: readonly BatchRequestSpec[]): number {
  let bytes = 16;
  for (const r of requests) bytes += Buffer.byteLength(JSON.stringify({ custom_id: r.customId, params: r.params })) + 1;
  return bytes;
}

/** Null when the batch may be submitted, else why not (plain language). */
export function batchLimitProblem(requests: readonly BatchRequestSpec[], bytes = batchBodyBytes(requests)): string | null {
  if (requests.length === 0) return 'A batch needs at least one request.';
  if (requests.length > MAX_BATCH_REQUESTS) {
    return `A batch holds at most ${MAX_BATCH_REQUESTS.toLocaleString('en-US')} requests; this one has ${requests.length.toLocaleString('en-US')}. Split it.`;
  }
  if (bytes > MAX_BATCH_BYTES) {
    return `A batch holds at most 256 MB; this one is ${(bytes / (1024 * 1024)).toFixed(1)} MB. Split it.`;
  }
  const seen = new Set<string>();
  for (const r of requests) {
    if (!CUSTOM_ID.test(r.customId)) return `The custom_id "${r.customId.slice(0, 80)}" is not 1-64 letters, digits, '_' or '-'.`;
    if (seen.has(r.customId)) return `The custom_id "${r.customId}" is used twice; each request needs its own.`;
    seen.add(r.customId);
  }
  return null;
}
