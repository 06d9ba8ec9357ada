// A bounded log of recent failures: the oldest entry is dropped once capacity is reached,
// so memory stays fixed however long a storm lasts.
import type { FailureRecord } from './historyTypes';

export class FailureRing {
  private readonly items: (FailureRecord | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`Failure log capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<FailureRecord | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(failure: FailureRecord): void {
    this.items[this.next] = failure;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
  }

  /** Oldest first, in insertion order. */
  toArray(): FailureRecord[] {
    const out: FailureRecord[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i += 1) {
      const item = this.items[(start + i) % this.capacity];
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  /** Keeps only the failures the predicate accepts, preserving order. */
  retain(keep: (failure: FailureRecord) => boolean): void {
    const kept = this.toArray().filter(keep);
    this.clear();
    for (const failure of kept) this.push(failure);
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
