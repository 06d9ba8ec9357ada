// Which history counter one attempt lands in. Each attempt counts in exactly one outcome,
// so a bucket's attempts always equal the sum of its outcome counters.
import type { AttemptRecord } from '../types';
import type { BucketCounts } from './historyTypes';

export type OutcomeCounter = Exclude<keyof BucketCounts, 'attempts'>;

export function outcomeCounterOf(attempt: Pick<AttemptRecord, 'status' | 'errorClass'>): OutcomeCounter {
  if (attempt.errorClass === null) return 'successes';
  if (attempt.status === 529 || attempt.errorClass === 'overloaded') return 'overloaded529';
  if (attempt.status === 429 || attempt.errorClass === 'rate_limited') return 'rateLimited429';
  if (attempt.status !== null && attempt.status >= 500 && attempt.status <= 599) return 'server5xx';
  return 'other';
}

export interface MutableCounts {
  attempts: number;
  successes: number;
  overloaded529: number;
  rateLimited429: number;
  server5xx: number;
  other: number;
}

export function emptyCounts(): MutableCounts {
  return { attempts: 0, successes: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0, other: 0 };
}

export function addCounts(into: MutableCounts, from: BucketCounts): void {
  into.attempts += from.attempts;
  into.successes += from.successes;
  into.overloaded529 += from.overloaded529;
  into.rateLimited429 += from.rateLimited429;
  into.server5xx += from.server5xx;
  into.other += from.other;
}
