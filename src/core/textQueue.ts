// The text side of a RequestStream: deltas pushed by the manager, pulled by one
// consumer at its own pace. Ending is normal completion — failures are reported
// through the stream's `outcome`, never by throwing from the iterator.

export class TextQueue<T = string> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private ended = false;
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private iterated = false;

  constructor(private readonly onConsumerStop: () => void = () => undefined) {}

  push(delta: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: delta, done: false });
    } else {
      this.buffered.push(delta);
    }
  }

  end(): void {
    this.ended = true;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterated) throw new Error('A request stream can be iterated only once.');
    this.iterated = true;
    return {
      next: (): Promise<IteratorResult<T>> => {
        const value = this.buffered.shift();
        if (value !== undefined) return Promise.resolve({ value, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: (): Promise<IteratorResult<T>> => {
        // The consumer stopped reading (break, throw): the request is canceled.
        if (!this.ended) this.onConsumerStop();
        this.buffered.length = 0;
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
