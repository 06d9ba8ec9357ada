// The versioned on-disk format of the history and its schema check. Anything that does not
// match the schema exactly is reported as corrupt (with the reason), never half-loaded.
import type { ErrorClass, ProviderId } from '../types';
import { ERROR_CLASSES, PROVIDERS } from '../../shared/vocabulary';
import type { FailureRecord, HistoryBucket } from './historyTypes';
import { isRecord } from '../../shared/isRecord';
import { safeClientLabel } from '../requestClient';

export const HISTORY_FORMAT = 'resilient-claude-history';
export const HISTORY_FORMAT_VERSION = 1;

/** [start, attempts, successes, overloaded529, rateLimited429, server5xx, other] */
type StoredBucket = [number, number, number, number, number, number, number];

interface StoredHistory {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_FORMAT_VERSION;
  savedAt: number;
  /** Which history instance wrote the file (several editor windows can share one file). */
  writer: string;
  bucketMs: number;
  buckets: Record<string, StoredBucket[]>;
  failures: FailureRecord[];
}

export interface DecodedHistory {
  readonly savedAt: number;
  /** '' when the file does not say. */
  readonly writer: string;
  readonly bucketMs: number;
  readonly buckets: HistoryBucket[];
  readonly failures: FailureRecord[];
}

export type DecodeResult = { ok: true; history: DecodedHistory } | { ok: false; reason: string };

export function encodeHistory(input: {
  savedAt: number;
  writer: string;
  bucketMs: number;
  buckets: readonly HistoryBucket[];
  failures: readonly FailureRecord[];
}): string {
  const buckets: Record<string, StoredBucket[]> = {};
  for (const b of input.buckets) {
    (buckets[b.model] ??= []).push([
      b.start,
      b.attempts,
      b.successes,
      b.overloaded529,
      b.rateLimited429,
      b.server5xx,
      b.other,
    ]);
  }
  const stored: StoredHistory = {
    format: HISTORY_FORMAT,
    version: HISTORY_FORMAT_VERSION,
    savedAt: input.savedAt,
    writer: input.writer,
    bucketMs: input.bucketMs,
    buckets,
    failures: [...input.failures],
  };
  return JSON.stringify(stored);
}

class SchemaError extends Error {}

function fail(reason: string): never {
  throw new SchemaError(reason);
}

function count(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${where} is not a non-negative integer`);
  }
  return value;
}

function time(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where} is not a time`);
  return value;
}

function nullableString(value: unknown, where: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') fail(`${where} is not a string or null`);
  return value;
}

function decodeBucket(model: string, value: unknown, where: string): HistoryBucket {
  if (!Array.isArray(value) || value.length !== 7) fail(`${where} is not a 7-number bucket`);
  const start = time(value[0], `${where}[0]`);
  const [attempts, successes, overloaded529, rateLimited429, server5xx, other] = value
    .slice(1)
    .map((v: unknown, i) => count(v, `${where}[${i + 1}]`));
  if (attempts !== successes + overloaded529 + rateLimited429 + server5xx + other) {
    fail(`${where}: attempts do not equal the sum of outcomes`);
  }
  return { model, start, attempts, successes, overloaded529, rateLimited429, server5xx, other };
}

function decodeFailure(value: unknown, where: string): FailureRecord {
  if (!isRecord(value)) fail(`${where} is not an object`);
  const provider = value.provider;
  if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
    fail(`${where}.provider is not a known provider`);
  }
  const errorClass = value.errorClass;
  if (typeof errorClass !== 'string' || !(ERROR_CLASSES as readonly string[]).includes(errorClass)) {
    fail(`${where}.errorClass is not a known error class`);
  }
  if (typeof value.model !== 'string' || value.model === '') fail(`${where}.model is not a model name`);
  if (typeof value.clientRequestId !== 'string') fail(`${where}.clientRequestId is not a string`);
  const status = value.status;
  if (status !== null && (typeof status !== 'number' || !Number.isInteger(status))) {
    fail(`${where}.status is not an HTTP status or null`);
  }
  return {
    time: time(value.time, `${where}.time`),
    provider: provider as ProviderId,
    model: value.model,
    attempt: count(value.attempt, `${where}.attempt`),
    status,
    errorClass: errorClass as ErrorClass,
    errorType: nullableString(value.errorType, `${where}.errorType`),
    requestId: nullableString(value.requestId, `${where}.requestId`),
    clientRequestId: value.clientRequestId,
    // Optional: files written before the field existed have none, and a label that is not one is dropped, not the file.
    client: safeClientLabel(value.client),
    message: nullableString(value.message, `${where}.message`),
  };
}

function decodeStored(value: unknown): DecodedHistory {
  if (!isRecord(value)) fail('the top level is not an object');
  if (value.format !== HISTORY_FORMAT) fail(`format is not "${HISTORY_FORMAT}"`);
  if (value.version !== HISTORY_FORMAT_VERSION) {
    fail(`version ${JSON.stringify(value.version)} is not the supported version ${HISTORY_FORMAT_VERSION}`);
  }
  const savedAt = time(value.savedAt, 'savedAt');
  const writer = value.writer === undefined ? '' : value.writer;
  if (typeof writer !== 'string') fail('writer is not a string');
  const bucketMs = count(value.bucketMs, 'bucketMs');
  if (bucketMs === 0) fail('bucketMs is zero');
  if (!isRecord(value.buckets)) fail('buckets is not an object');
  const buckets: HistoryBucket[] = [];
  for (const [model, list] of Object.entries(value.buckets)) {
    if (model === '') fail('buckets has an empty model name');
    if (!Array.isArray(list)) fail(`buckets["${model}"] is not a list`);
    list.forEach((entry: unknown, i) => buckets.push(decodeBucket(model, entry, `buckets["${model}"][${i}]`)));
  }
  if (!Array.isArray(value.failures)) fail('failures is not a list');
  const failures = value.failures.map((entry: unknown, i) => decodeFailure(entry, `failures[${i}]`));
  return { savedAt, writer, bucketMs, buckets, failures };
}

export function decodeHistory(text: string): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  try {
    return { ok: true, history: decodeStored(parsed) };
  } catch (error) {
    if (error instanceof SchemaError) return { ok: false, reason: error.message };
    throw error;
  }
}
