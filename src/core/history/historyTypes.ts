// The public shape of the attempt history: per-model time buckets, the recent-failure log,
// the 529 alert rule and the storage the history persists to. Everything here is plain,
// serialisable data except the History object itself.
import type { Unsubscribe } from '../../shared/emitter';
import type { ErrorClass, ManagerEvent, ProviderId } from '../types';

/** Counters for one model over one time bucket. `attempts` is the sum of the five outcomes. */
export interface BucketCounts {
  readonly attempts: number;
  readonly successes: number;
  /** HTTP 529 or a mid-stream `overloaded_error` (errorClass `overloaded`). */
  readonly overloaded529: number;
  /** HTTP 429 or errorClass `rate_limited` (spend-limit 429s included: they are 429s on the wire). */
  readonly rateLimited429: number;
  /** Any other 5xx status. */
  readonly server5xx: number;
  /** Every other failure: resets, stalls, timeouts, 4xx, cancels. */
  readonly other: number;
}

export interface HistoryBucket extends BucketCounts {
  readonly model: string;
  /** Epoch ms where the bucket starts; it covers [start, start + bucketMs). */
  readonly start: number;
}

/** One failed attempt, as kept in the bounded log of recent failures. Secret-free. */
export interface FailureRecord {
  readonly time: number;
  readonly provider: ProviderId;
  readonly model: string;
  readonly attempt: number;
  readonly status: number | null;
  readonly errorClass: ErrorClass;
  readonly errorType: string | null;
  readonly requestId: string | null;
  readonly clientRequestId: string;
  /** Which program sent the request ("Claude Code 2.1.3", "curl 8.5.0", "VS Code"…); null when it
   *  did not say (and in files written before the field existed). */
  readonly client: string | null;
  readonly message: string | null;
}

export interface BucketQuery {
  readonly model?: string;
  /** Buckets that overlap [sinceMs, untilMs] are returned. */
  readonly sinceMs: number;
  /** Defaults to now. */
  readonly untilMs?: number;
}

export interface FailureFilter {
  readonly model?: string;
  readonly errorClass?: ErrorClass;
  /** Only failures at or after this time. */
  readonly sinceMs?: number;
  /** Only failures at or before this time. */
  readonly untilMs?: number;
}

export interface AlertRule {
  /** A model alerts when its 529 share of attempts is above this (0.05 = 5 %). */
  readonly threshold: number;
  /** Sliding window the share is computed over, rounded out to whole buckets. */
  readonly windowMs: number;
  /** An incident only starts once the window holds at least this many attempts. */
  readonly minAttempts: number;
}

/** A model currently above the 529 alert threshold. */
export interface HistoryAlert {
  readonly model: string;
  readonly attempts: number;
  readonly overloaded529: number;
  /** overloaded529 / attempts. */
  readonly rate: number;
  readonly threshold: number;
  readonly windowMs: number;
  /** The window the figures cover (bucket-aligned start, now). */
  readonly sinceMs: number;
  readonly untilMs: number;
  /** When this incident started (the evaluation that first saw it above the threshold). */
  readonly startedAt: number;
}

export type HistoryChange =
  | { readonly kind: 'attempt'; readonly model: string; readonly time: number }
  | { readonly kind: 'loaded' }
  | { readonly kind: 'cleared' };

export type LoadResult =
  | { readonly status: 'loaded'; readonly buckets: number; readonly failures: number }
  | { readonly status: 'empty' }
  /** The stored data was unreadable or had the wrong shape: it was set aside, history starts empty. */
  | { readonly status: 'corrupt'; readonly warning: string }
  /** The storage could not be read at all (e.g. permissions): history starts empty, nothing moved. */
  | { readonly status: 'unavailable'; readonly warning: string };

/** A serialisable picture of the history, for the diagnostics webview. */
export interface HistorySnapshot {
  readonly generatedAt: number;
  readonly bucketMs: number;
  readonly retentionMs: number;
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly models: readonly string[];
  /** Non-empty buckets in the window, ordered by model then start. */
  readonly buckets: readonly HistoryBucket[];
  /** Most recent first, capped by SnapshotQuery.maxFailures. */
  readonly failures: readonly FailureRecord[];
  /** Failures in the failure log since sinceMs, before the cap. */
  readonly failureCount: number;
  readonly alerts: readonly HistoryAlert[];
  readonly alertRule: AlertRule;
}

export interface SnapshotQuery {
  /** Defaults to now - retentionMs. */
  readonly sinceMs?: number;
  /** At most this many failures (most recent first). Default 200. */
  readonly maxFailures?: number;
}

/** Where the history persists. Implementations must never leave a half-written file behind. */
export interface HistoryStorage {
  /** The stored text, or undefined when nothing was stored yet. Rejects when unreadable. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text atomically. */
  write(data: string): Promise<void>;
  /** Moves unusable stored data out of the way (kept for inspection) so a fresh start is possible. */
  setAside(reason: string): Promise<void>;
  /** Runs `fn` (a read, merge and write) while no other writer of the same storage runs one. */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface HistoryClock {
  now(): number;
}

export interface HistoryOptions {
  readonly storage: HistoryStorage;
  readonly clock?: HistoryClock;
  /** Default 60_000 (one minute). */
  readonly bucketMs?: number;
  /** Default 8 days; must be at least 7 days so a week of history is always kept. */
  readonly retentionMs?: number;
  /** Capacity of the recent-failure log. Default 1000. */
  readonly maxFailures?: number;
  /** Default { threshold: 0.05, windowMs: 300_000, minAttempts: 5 }. */
  readonly alert?: { readonly threshold: number; readonly windowMs: number; readonly minAttempts?: number };
  /** Debounce of automatic persistence after a change. Default 10_000. */
  readonly persistDelayMs?: number;
  /** Most models tracked at once; the least recently active is dropped beyond it. Default 64. */
  readonly maxModels?: number;
  /** Set when the history holds simulated traffic (e.g. an overload rehearsal): says what, for reports. */
  readonly simulated?: string;
}

export interface History {
  readonly bucketMs: number;
  readonly retentionMs: number;
  readonly alertRule: AlertRule;
  /** Present when the history holds simulated traffic: what it simulates (HistoryOptions.simulated). */
  readonly simulated?: string;
  /** Renames what a simulated history simulates (a rehearsal switched scenario); no-op for real traffic. */
  relabel(simulated: string): void;
  /** Feed every manager event; only `attempt` events change the history. */
  record(event: ManagerEvent): void;
  buckets(query: BucketQuery): HistoryBucket[];
  /** Models with at least one bucket in retention, sorted. */
  models(): string[];
  /** Most recent first. */
  failures(filter?: FailureFilter): FailureRecord[];
  /** 529 share of attempts for the model over the last windowMs (bucket-aligned); 0 without attempts. */
  rate529(model: string, windowMs: number): number;
  /** Models currently in an alert incident, with their figures. */
  alerts(): HistoryAlert[];
  /** Fires once when a model crosses above the threshold; re-arms after it falls back to or below it. */
  onAlert(listener: (alert: HistoryAlert) => void): Unsubscribe;
  onChange(listener: (change: HistoryChange) => void): Unsubscribe;
  /** Persistence problems (unreadable file set aside, failed writes): never thrown from timers. */
  onWarning(listener: (message: string) => void): Unsubscribe;
  snapshot(query?: SnapshotQuery): HistorySnapshot;
  /** Forgets everything (and persists the empty history on the next flush). */
  clear(): void;
  /** Reads the storage and merges it into memory. Never rejects. */
  load(): Promise<LoadResult>;
  /** Writes now if anything changed since the last write. Rejects if the write fails. */
  flush(): Promise<void>;
  /** Stops timers and listeners after a final best-effort flush. */
  dispose(): Promise<void>;
}
