// The text side of a RequestStream: deltas pushed by the manager, pulled by one
// consumer at its own pace. Ending is normal completion — failures are reported
// through the stream's `outcome`, never by throwing from the iterator. The consumer
// reads the items as it chooses to see them (`iterate`: only text, every part, …):
// an item it maps to nothing is passed over where it lies, with no promise of its own.

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/** The consumer waiting for an item, and how it reads one (undefined: not for it). */
interface Waiting<T> {
  readonly resolve: (result: IteratorResult<unknown>) => void;
  readonly pick: (item: T) => unknown;
}

export class TextQueue<T = string> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private ended = false;
  private waiting: Waiting<T> | null = null;
  private iterated = false;

  constructor(private readonly onConsumerStop: () => void = () => undefined) {}

  push(delta: T): void {
    if (this.ended) return;
    const waiting = this.waiting;
    if (waiting === null) {
      this.buffered.push(delta);
      return;
    }
    const value = waiting.pick(delta);
    if (value === undefined) return;
    this.waiting = null;
    waiting.resolve({ value, done: false });
  }

  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterate((item) => item);
  }

  /** The items as `pick` reads them, skipping those it maps to undefined; a queue is read once. */
  iterate<U>(pick: (item: T) => U | undefined): AsyncIterator<U> {
    if (this.iterated) throw new Error('A request stream can be iterated only once.');
    this.iterated = true;
    return {
      next: (): Promise<IteratorResult<U>> => {
        while (this.buffered.length > 0) {
          const value = pick(this.buffered.shift()!);
          if (value !== undefined) return Promise.resolve({ value, done: false });
        }
        if (this.ended) return Promise.resolve(DONE);
        return new Promise<IteratorResult<U>>((resolve) => {
          this.waiting = { resolve: resolve as (result: IteratorResult<unknown>) => void, pick };
        });
      },
      return: (): Promise<IteratorResult<U>> => {
        // The consumer stopped reading (break, throw): the request is canceled.
        if (!this.ended) this.onConsumerStop();
        this.buffered.length = 0;
        this.end();
        return Promise.resolve(DONE);
      },
    };
  }
}
