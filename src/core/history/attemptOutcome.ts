// Which history counter one attempt lands in. Each attempt counts in exactly one outcome,
// so a bucket's attempts always equal the sum of its outcome counters.
import type { AttemptRecord } from '../types';
import type { BucketCounts } from './historyTypes';

export type OutcomeCounter = Exclude<keyof BucketCounts, 'attempts'>;

/**
 * The attempt of a hedged pair that we aborted because the other answered first: no failure of
 * the route (its answer was merely not needed). It stays in the failure log, where it counts the
 * route's hedges, but not in the per-model counters, the failures table or the report's failures.
 */
export function isHedgeLoss(attempt: Pick<AttemptRecord, 'errorClass' | 'errorType'>): boolean {
  return attempt.errorClass === 'canceled' && attempt.errorType === 'hedge_lost';
}

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
