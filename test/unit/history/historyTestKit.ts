// Small hand-written doubles for history tests: an in-memory storage that records what
// was written and a builder for attempt events (the clock is the tests' one FakeClock).
import type { HistoryStorage } from '../../../src/core/history/historyTypes';
import type { AttemptRecord, ManagerEvent } from '../../../src/core/types';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;
/** 2026-11-20 00:00:00 UTC */
export const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);

export class MemoryStorage implements HistoryStorage {
  readonly writes: string[] = [];
  readonly setAsideReasons: string[] = [];
  failWrites = false;
  constructor(public data: string | undefined = undefined) {}
  async read(): Promise<string | undefined> {
    return this.data;
  }
  async write(data: string): Promise<void> {
    if (this.failWrites) throw new Error('disk full');
    this.writes.push(data);
    this.data = data;
  }
  async setAside(reason: string): Promise<void> {
    this.setAsideReasons.push(reason);
    this.data = undefined;
  }
}

let sequence = 0;

export function attempt(overrides: Partial<AttemptRecord> = {}): ManagerEvent {
  sequence += 1;
  return {
    type: 'attempt',
    time: T0,
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    attempt: 1,
    status: 200,
    errorClass: null,
    errorType: null,
    latencyMs: 120,
    requestId: `req_${sequence}`,
    clientRequestId: `rc_${sequence}`,
    ...overrides,
  };
}

export function overloaded(overrides: Partial<AttemptRecord> = {}): ManagerEvent {
  return attempt({
    status: 529,
    errorClass: 'overloaded',
    errorType: 'overloaded_error',
    message: 'Overloaded',
    ...overrides,
  });
}

export async function waitFor(condition: () => boolean, what: string, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
