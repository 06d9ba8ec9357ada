// Polls the status page only while someone needs it: the diagnostics panel is open, or
// requests are failing. Each need is a named reason; polling stops when none is left.
import { fetchStatusSummary, StatusPageError } from './statusSummary';
import type { FetchStatusOptions, StatusSummary } from './statusSummary';
import { Emitter } from '../../shared/emitter';
import type { Unsubscribe } from '../../shared/emitter';

export interface StatusReading {
  /** The last good summary (kept through later failed polls), or null. */
  readonly summary: StatusSummary | null;
  readonly fetchedAt: number;
  /** Why the last poll failed; null when it succeeded. */
  readonly error: string | null;
}

export interface StatusPollerOptions {
  readonly url: string;
  /** Default 60 s. */
  readonly intervalMs?: number;
  readonly fetch?: FetchStatusOptions['fetch'];
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export class StatusPoller {
  private readonly reasons = new Set<string>();
  private readonly readings = new Emitter<[StatusReading]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: AbortController | undefined;
  private last: StatusReading | undefined;
  private disposed = false;

  constructor(private options: StatusPollerOptions) {}

  get latest(): StatusReading | undefined {
    return this.last;
  }

  get polling(): boolean {
    return this.reasons.size > 0 && !this.disposed;
  }

  onReading(listener: (reading: StatusReading) => void): Unsubscribe {
    return this.readings.on(listener);
  }

  /** Starts polling at once when the first reason appears; stops when the last goes. */
  setNeeded(reason: string, needed: boolean): void {
    const wasPolling = this.polling;
    if (needed) this.reasons.add(reason);
    else this.reasons.delete(reason);
    if (!wasPolling && this.polling) void this.pollNow();
    if (wasPolling && !this.polling) this.stop();
  }

  /** A new URL or interval applies from the next poll; the old reading is dropped. */
  configure(options: StatusPollerOptions): void {
    const urlChanged = options.url !== this.options.url;
    this.options = options;
    if (urlChanged) this.last = undefined;
    if (this.polling) void this.pollNow();
  }

  async pollNow(): Promise<StatusReading | undefined> {
    if (this.disposed) return undefined;
    this.clearTimer();
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const now = this.options.now ?? Date.now;
    let reading: StatusReading;
    try {
      const summary = await fetchStatusSummary(this.options.url, {
        fetch: this.options.fetch,
        signal: controller.signal,
        timeoutMs: this.options.timeoutMs,
      });
      reading = { summary, fetchedAt: now(), error: null };
    } catch (error) {
      const message = error instanceof StatusPageError ? error.message : 'status page poll failed';
      reading = { summary: this.last?.summary ?? null, fetchedAt: now(), error: message };
    }
    if (controller.signal.aborted || this.disposed) return undefined;
    this.inFlight = undefined;
    this.last = reading;
    this.readings.emit(reading);
    if (this.polling) this.timer = setTimeout(() => void this.pollNow(), this.options.intervalMs ?? 60_000);
    return reading;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.readings.clear();
  }

  private stop(): void {
    this.clearTimer();
    this.inFlight?.abort();
    this.inFlight = undefined;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
