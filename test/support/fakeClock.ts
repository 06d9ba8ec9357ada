// The one manual clock of the tests: time moves only when the test advances it (or sets
// it). A sleep with an AbortSignal rejects at once when the signal fires, like the real one.
import type { Clock } from '../../src/core/contract';
import { CanceledError } from '../../src/core/clock';

interface Sleeper {
  readonly at: number;
  readonly resolve: () => void;
}

export class FakeClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Sleeps not yet due (what the code under test is waiting on). */
  get pending(): number {
    return this.sleepers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new CanceledError());
        return;
      }
      const sleeper: Sleeper = { at: this.current + ms, resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(new CanceledError());
        },
        { once: true },
      );
    });
  }

  /** Moves time to `at` (never back), waking the sleeps now due. */
  set(at: number): void {
    this.advance(Math.max(0, at - this.current));
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const sleeper of due) sleeper.resolve();
  }
}
