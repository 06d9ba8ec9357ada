// The in-memory history: buckets and failure log, plus what was recorded since the last
// save. Keeping the unsaved part apart lets a save merge with a file another editor window
// wrote meanwhile (stored data + our unsaved attempts) instead of overwriting it.
import { isHedgeLoss, outcomeCounterOf } from './attemptOutcome';
import { BucketStore } from './bucketStore';
import { FailureRing } from './failureRing';
import type { DecodedHistory } from './historyFormat';
import type { FailureRecord, HistoryBucket } from './historyTypes';
import type { AttemptRecord } from '../types';

export interface UnsavedPart {
  readonly buckets: readonly HistoryBucket[];
  readonly failures: readonly FailureRecord[];
}

export class HistoryState {
  readonly store: BucketStore;
  readonly ring: FailureRing;
  private unsavedBuckets: BucketStore;
  private unsavedFailures: FailureRecord[] = [];

  constructor(
    readonly bucketMs: number,
    private readonly maxModels: number,
    failureCapacity: number,
  ) {
    this.store = new BucketStore(bucketMs, maxModels);
    this.unsavedBuckets = new BucketStore(bucketMs, maxModels);
    this.ring = new FailureRing(failureCapacity);
  }

  record(attempt: AttemptRecord, failure: FailureRecord | undefined): void {
    // A hedge loser aborted by us is no outcome of the route: logged (it counts hedges), not counted.
    if (!isHedgeLoss(attempt)) {
      const counter = outcomeCounterOf(attempt);
      this.store.count(attempt.model, attempt.time, counter);
      this.unsavedBuckets.count(attempt.model, attempt.time, counter);
    }
    if (failure !== undefined) {
      this.ring.push(failure);
      this.unsavedFailures.push(failure);
      if (this.unsavedFailures.length > this.ring.capacity) this.unsavedFailures.shift();
    }
  }

  /** Drops everything that ends at or before `cutoff`; true when something went. */
  prune(cutoff: number): boolean {
    const removed = this.store.prune(cutoff);
    this.unsavedBuckets.prune(cutoff);
    const before = this.ring.size;
    this.ring.retain((f) => f.time > cutoff);
    this.unsavedFailures = this.unsavedFailures.filter((f) => f.time > cutoff);
    return removed || this.ring.size !== before;
  }

  /** Replaces memory with stored data plus everything not saved yet. */
  adopt(
    stored: DecodedHistory,
    cutoff: number,
    sanitize: (f: FailureRecord) => FailureRecord,
  ): { buckets: number; failures: number } {
    this.store.clear();
    let adopted = 0;
    for (const bucket of stored.buckets) {
      if (bucket.start + stored.bucketMs <= cutoff || bucket.attempts === 0) continue;
      this.store.merge(bucket.model, bucket.start, bucket);
      adopted += 1;
    }
    for (const bucket of this.unsavedBuckets.query(-Infinity, Infinity)) {
      this.store.merge(bucket.model, bucket.start, bucket);
    }
    this.ring.clear();
    const storedFailures = stored.failures
      .filter((f) => f.time > cutoff)
      .map(sanitize)
      .sort((a, b) => a.time - b.time);
    for (const failure of [...storedFailures, ...this.unsavedFailures]) this.ring.push(failure);
    return { buckets: adopted, failures: storedFailures.length };
  }

  /** Hands over the unsaved part (a save is starting); it becomes empty. */
  takeUnsaved(): UnsavedPart {
    const part = { buckets: this.unsavedBuckets.query(-Infinity, Infinity), failures: this.unsavedFailures };
    this.unsavedBuckets = new BucketStore(this.bucketMs, this.maxModels);
    this.unsavedFailures = [];
    return part;
  }

  /** Puts back an unsaved part whose save failed, ahead of what was recorded since. */
  restoreUnsaved(part: UnsavedPart): void {
    for (const bucket of part.buckets) this.unsavedBuckets.merge(bucket.model, bucket.start, bucket);
    this.unsavedFailures = [...part.failures, ...this.unsavedFailures].slice(-this.ring.capacity);
  }

  clear(): void {
    this.store.clear();
    this.ring.clear();
    this.unsavedBuckets.clear();
    this.unsavedFailures = [];
  }
}
