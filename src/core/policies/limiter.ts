// A concurrency limiter for attempts in flight. Interactive work jumps ahead of
// background work in the queue; a waiter whose signal fires leaves the queue.
import type { Priority } from '../types';
import { CanceledError } from '../clock';

export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
  readonly reject: (error: Error) => void;
  readonly cleanup: () => void;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly queues: Record<Priority, Waiter[]> = { interactive: [], background: [] };

  constructor(private limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queues.interactive.length + this.queues.background.length;
  }

  setLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
    this.limit = limit;
    this.drain();
  }

  /** A slot now if one is free and nobody waits for one; else null. */
  tryAcquire(): Release | null {
    if (this.active >= this.limit || this.waiting > 0) return null;
    this.active += 1;
    return this.makeRelease();
  }

  acquire(priority: Priority = 'interactive', signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new CanceledError());
    const free = this.tryAcquire();
    if (free !== null) return Promise.resolve(free);
    return new Promise<Release>((resolve, reject) => {
      const queue = this.queues[priority];
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new CanceledError());
      };
      const waiter: Waiter = {
        grant: resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  private makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      this.drain();
    };
  }

  private drain(): void {
    while (this.active < this.limit) {
      const next = this.queues.interactive.shift() ?? this.queues.background.shift();
      if (!next) return;
      next.cleanup();
      this.active += 1;
      next.grant(this.makeRelease());
    }
  }
}
