// A manual clock for policy tests: time moves only when the test advances it.
import type { Clock } from '../../../src/core/contract';

export class FakeClock implements Clock {
  private current: number;
  private sleepers: Array<{ at: number; resolve: () => void }> = [];

  constructor(start = 1_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ at: this.current + ms, resolve }));
  }

  advance(ms: number): void {
    this.current += ms;
    const due = this.sleepers.filter((s) => s.at <= this.current);
    this.sleepers = this.sleepers.filter((s) => s.at > this.current);
    for (const sleeper of due) sleeper.resolve();
  }
}
