// Builds what the diagnostics panel shows for one window from the history's snapshot, the
// breakers and the status page. Pure (no vscode import), so it is unit-tested directly.
import type { BreakerSnapshot } from '../../core/types';
import type { HistorySnapshot } from '../../core/history/historyTypes';
import { addCounts, emptyCounts, isHedgeLoss } from '../../core/history/attemptOutcome';
import { countHedgesAndStalls } from '../../core/history/tailCounts';
import type { RouteTailCount } from '../../core/history/tailCounts';
import type { MutableCounts } from '../../core/history/attemptOutcome';
import type { StatusReading } from '../../core/status/statusPoller';
import { DISPLAY_BUCKET_MS, WINDOW_MS } from '../../webview/protocol';
import type {
  AnthropicStatus,
  BatchRow,
  BreakerCard,
  BucketCounts,
  FailureRow,
  HistoryWindow,
  ModelHistory,
  PanelSnapshot,
} from '../../webview/protocol';

/** Most failure rows sent to the page; the count before the cap is sent too. */
export const MAX_FAILURE_ROWS = 500;

export interface DisplayBuckets {
  readonly bucketMs: number;
  /** Start of the oldest display bucket (the window rounded out to whole buckets). */
  readonly firstStart: number;
  readonly count: number;
}

/**
 * Display buckets for a window ending at `now`: aligned to their width, the first holds
 * `now - window` (so the whole window is covered, as in the escalation report), the last `now`.
 */
export function displayBucketsFor(window: HistoryWindow, now: number): DisplayBuckets {
  const bucketMs = DISPLAY_BUCKET_MS[window];
  const firstStart = Math.floor((now - WINDOW_MS[window]) / bucketMs) * bucketMs;
  const lastStart = Math.floor(now / bucketMs) * bucketMs;
  return { bucketMs, firstStart, count: (lastStart - firstStart) / bucketMs + 1 };
}

type Counts = MutableCounts;

/** Re-buckets the store's (finer) buckets into dense display buckets per model. */
export function modelHistories(history: HistorySnapshot, display: DisplayBuckets): ModelHistory[] {
  const byModel = new Map<string, Counts[]>();
  for (const model of history.models) byModel.set(model, []);
  const end = display.firstStart + display.count * display.bucketMs;
  for (const bucket of history.buckets) {
    if (bucket.start < display.firstStart || bucket.start >= end) continue;
    let dense = byModel.get(bucket.model);
    if (!dense) {
      dense = [];
      byModel.set(bucket.model, dense);
    }
    const index = Math.floor((bucket.start - display.firstStart) / display.bucketMs);
    dense[index] ??= emptyCounts();
    addCounts(dense[index], bucket);
  }
  const out: ModelHistory[] = [];
  for (const [model, sparse] of byModel) {
    const totals = emptyCounts();
    const buckets: BucketCounts[] = [];
    for (let i = 0; i < display.count; i++) {
      const counts = sparse[i] ?? emptyCounts();
      addCounts(totals, counts);
      buckets.push({ start: display.firstStart + i * display.bucketMs, ...counts });
    }
    out.push({ model, buckets, totals });
  }
  return out.sort((a, b) => a.model.localeCompare(b.model));
}

function breakerCard(breaker: BreakerSnapshot, history: HistorySnapshot, now: number, tail: readonly RouteTailCount[]): BreakerCard {
  const since = now - history.alertRule.windowMs;
  const recent = emptyCounts();
  for (const bucket of history.buckets) {
    if (bucket.model === breaker.model && bucket.start + history.bucketMs > since) addCounts(recent, bucket);
  }
  return {
    provider: breaker.provider,
    model: breaker.model,
    state: breaker.state,
    since: breaker.since,
    nextProbeAt: breaker.nextProbeAt,
    closesAt: breaker.closesAt ?? null,
    heldUntil: breaker.heldUntil,
    consecutiveFailures: breaker.consecutiveFailures,
    recentAttempts: recent.attempts,
    recentFailureRate: recent.attempts === 0 ? null : (recent.attempts - recent.successes) / recent.attempts,
    hedges: tail.find((c) => c.provider === breaker.provider && c.model === breaker.model)?.hedges ?? 0,
    stalls: tail.find((c) => c.provider === breaker.provider && c.model === breaker.model)?.stalls ?? 0,
  };
}

export function anthropicStatusOf(reading: StatusReading | undefined): AnthropicStatus | null {
  if (!reading) return null;
  if (!reading.summary) {
    return { indicator: 'none', description: '', incidents: [], fetchedAt: reading.fetchedAt, error: reading.error };
  }
  return { ...reading.summary, fetchedAt: reading.fetchedAt, error: reading.error };
}

export interface PanelSnapshotInput {
  readonly window: HistoryWindow;
  readonly now: number;
  /** The history's snapshot from at least the window's first display bucket. */
  readonly history: HistorySnapshot;
  readonly breakers: readonly BreakerSnapshot[];
  readonly status: StatusReading | undefined;
  readonly primaryModel: string | null;
  /** The Batches tab's rows, newest first. */
  readonly batches?: readonly BatchRow[];
  /** Failed Batches API calls, shown in the failures table with the attempts (newest first). */
  readonly batchFailures?: readonly FailureRow[];
  /** What the history simulates (History.simulated), when it holds rehearsal traffic. */
  readonly simulated?: string | null;
}

export function buildPanelSnapshot(input: PanelSnapshotInput): PanelSnapshot {
  const display = displayBucketsFor(input.window, input.now);
  const attemptFailures = input.history.failures.filter((f) => f.time >= display.firstStart);
  const batchFailures = (input.batchFailures ?? []).filter((f) => f.time >= display.firstStart);
  // A hedge loser aborted by us is no failure: it shows as a hedge on its route's card only.
  const windowFailures: FailureRow[] = attemptFailures.filter((f) => !isHedgeLoss(f)).map((f) => ({
    time: f.time,
    model: f.model,
    provider: f.provider,
    status: f.status,
    errorClass: f.errorClass,
    errorType: f.errorType,
    requestId: f.requestId,
    clientRequestId: f.clientRequestId,
    client: f.client,
    message: f.message ?? '',
  }));
  if (batchFailures.length > 0) {
    windowFailures.push(...batchFailures);
    windowFailures.sort((a, b) => b.time - a.time);
  }
  const failures = windowFailures.slice(0, MAX_FAILURE_ROWS);
  const tail = countHedgesAndStalls(attemptFailures);
  return {
    now: input.now,
    window: input.window,
    windowStart: display.firstStart,
    bucketMs: display.bucketMs,
    models: modelHistories(input.history, display),
    failures,
    failureCount: windowFailures.length,
    breakers: input.breakers.map((b) => breakerCard(b, input.history, input.now, tail)),
    alert: {
      threshold: input.history.alertRule.threshold,
      windowMs: input.history.alertRule.windowMs,
      firing: input.history.alerts.map((a) => ({ model: a.model, rate: a.rate, attempts: a.attempts })),
    },
    anthropicStatus: anthropicStatusOf(input.status),
    primaryModel: input.primaryModel,
    batches: input.batches ?? [],
    simulated: input.simulated ?? null,
  };
}
