// An overload alert's figures over the incident's own window: from the first bucket with a 529
// in the alert window to now, so healthy traffic before the incident does not dilute its rate
// (20 good answers, then 5 × 529 is "100% of 5", not "20% of 25"). Pure, unit-tested.
import type { HistoryBucket } from '../core/history/historyTypes';

export interface IncidentFigures {
  readonly attempts: number;
  readonly overloaded529: number;
  /** overloaded529 / attempts (0 without attempts). */
  readonly rate: number;
  /** Start of the first bucket with a 529, or null when the window holds none. */
  readonly sinceMs: number | null;
}

export function incidentFigures(buckets: readonly Pick<HistoryBucket, 'start' | 'attempts' | 'overloaded529'>[]): IncidentFigures {
  const ordered = [...buckets].sort((a, b) => a.start - b.start);
  const first = ordered.findIndex((b) => b.overloaded529 > 0);
  if (first < 0) return { attempts: 0, overloaded529: 0, rate: 0, sinceMs: null };
  const within = ordered.slice(first);
  const attempts = within.reduce((sum, b) => sum + b.attempts, 0);
  const overloaded529 = within.reduce((sum, b) => sum + b.overloaded529, 0);
  return { attempts, overloaded529, rate: attempts === 0 ? 0 : overloaded529 / attempts, sinceMs: ordered[first]!.start };
}
