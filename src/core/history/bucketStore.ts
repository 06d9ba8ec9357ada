// Per-model counters in fixed time buckets. Memory is bounded by retention / bucketMs buckets
// per model and by a cap on the number of models.
import { addCounts, emptyCounts } from './attemptOutcome';
import type { MutableCounts, OutcomeCounter } from './attemptOutcome';
import type { BucketCounts, HistoryBucket } from './historyTypes';

export class BucketStore {
  private readonly byModel = new Map<string, Map<number, MutableCounts>>();
  private readonly lastActive = new Map<string, number>();

  constructor(
    readonly bucketMs: number,
    private readonly maxModels: number,
  ) {}

  bucketStart(time: number): number {
    return Math.floor(time / this.bucketMs) * this.bucketMs;
  }

  count(model: string, time: number, counter: OutcomeCounter): void {
    const counts = this.bucketFor(model, this.bucketStart(time));
    counts.attempts += 1;
    counts[counter] += 1;
  }

  /** Adds stored counts (e.g. from disk) into the bucket that holds `start`. */
  merge(model: string, start: number, counts: BucketCounts): void {
    addCounts(this.bucketFor(model, this.bucketStart(start)), counts);
  }

  /** Non-empty buckets overlapping [sinceMs, untilMs], ordered by model then start. */
  query(sinceMs: number, untilMs: number, model?: string): HistoryBucket[] {
    const out: HistoryBucket[] = [];
    const models = model === undefined ? this.models() : this.byModel.has(model) ? [model] : [];
    for (const name of models) {
      const buckets = this.byModel.get(name);
      if (buckets === undefined) continue;
      const starts = [...buckets.keys()]
        .filter((start) => start + this.bucketMs > sinceMs && start <= untilMs)
        .sort((a, b) => a - b);
      for (const start of starts) {
        const counts = buckets.get(start);
        if (counts !== undefined) out.push({ model: name, start, ...counts });
      }
    }
    return out;
  }

  /** Sum of counters for one model over buckets overlapping [sinceMs, untilMs]. */
  totals(model: string, sinceMs: number, untilMs: number): MutableCounts {
    const sum = emptyCounts();
    const buckets = this.byModel.get(model);
    if (buckets === undefined || untilMs < sinceMs) return sum;
    const first = this.bucketStart(sinceMs);
    const last = this.bucketStart(untilMs);
    if ((last - first) / this.bucketMs < buckets.size) {
      // A short window: look its few buckets up directly instead of scanning a week of them.
      for (let start = first; start <= last; start += this.bucketMs) {
        const counts = buckets.get(start);
        if (counts !== undefined) addCounts(sum, counts);
      }
      return sum;
    }
    for (const bucket of this.query(sinceMs, untilMs, model)) addCounts(sum, bucket);
    return sum;
  }

  models(): string[] {
    return [...this.byModel.keys()].sort();
  }

  bucketCount(): number {
    let n = 0;
    for (const buckets of this.byModel.values()) n += buckets.size;
    return n;
  }

  /** Drops buckets that end at or before `cutoff`, and models left with none. */
  prune(cutoff: number): boolean {
    let changed = false;
    for (const [model, buckets] of this.byModel) {
      for (const start of buckets.keys()) {
        if (start + this.bucketMs <= cutoff) {
          buckets.delete(start);
          changed = true;
        }
      }
      if (buckets.size === 0) {
        this.byModel.delete(model);
        this.lastActive.delete(model);
      }
    }
    return changed;
  }

  clear(): void {
    this.byModel.clear();
    this.lastActive.clear();
  }

  private bucketFor(model: string, start: number): MutableCounts {
    let buckets = this.byModel.get(model);
    if (buckets === undefined) {
      this.evictIfFull();
      buckets = new Map();
      this.byModel.set(model, buckets);
    }
    this.lastActive.set(model, Math.max(this.lastActive.get(model) ?? start, start));
    let counts = buckets.get(start);
    if (counts === undefined) {
      counts = emptyCounts();
      buckets.set(start, counts);
    }
    return counts;
  }

  private evictIfFull(): void {
    if (this.byModel.size < this.maxModels) return;
    let stalest: string | undefined;
    let stalestTime = Infinity;
    for (const [model, time] of this.lastActive) {
      if (time < stalestTime) {
        stalest = model;
        stalestTime = time;
      }
    }
    if (stalest !== undefined) {
      this.byModel.delete(stalest);
      this.lastActive.delete(stalest);
    }
  }
}
