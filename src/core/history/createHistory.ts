// The attempt history: records manager events into per-model buckets and a bounded failure
// log, evaluates the 529 alert rule, and persists itself (debounced) through a HistoryStorage.
// Several editor windows may share one storage: each save merges with what another window
// saved meanwhile (under the storage's lock), so no window's attempts are overwritten.
import { policyOf } from '../errorClasses';
import type { ManagerEvent } from '../types';
import { AlertTracker } from './alertTracker';
import type { WindowFigures } from './alertTracker';
import { failureRecordOf, sanitizedFailure } from './failureRecord';
import { decodeHistory, encodeHistory } from './historyFormat';
import type { DecodedHistory } from './historyFormat';
import { HistoryState } from './historyState';
import type {
  AlertRule,
  BucketQuery,
  FailureFilter,
  FailureRecord,
  History,
  HistoryAlert,
  HistoryBucket,
  HistoryChange,
  HistoryOptions,
  HistorySnapshot,
  LoadResult,
  SnapshotQuery,
} from './historyTypes';
import { redactSecrets } from '../redact';
import { Emitter } from '../../shared/emitter';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MIN_RETENTION_MS = 7 * DAY_MS;
export const DEFAULT_RETENTION_MS = 8 * DAY_MS;
export const DEFAULT_BUCKET_MS = 60_000;
export const DEFAULT_MAX_FAILURES = 1000;
export const DEFAULT_ALERT_RULE: AlertRule = { threshold: 0.05, windowMs: 300_000, minAttempts: 5 };
export const DEFAULT_PERSIST_DELAY_MS = 10_000;
export const DEFAULT_MAX_MODELS = 64;
export const DEFAULT_SNAPSHOT_FAILURES = 200;

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`History option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byTimeDescending(a: FailureRecord, b: FailureRecord): number {
  return b.time - a.time;
}

export function createHistory(options: HistoryOptions): History {
  const storage = options.storage;
  const clock = options.clock ?? { now: () => Date.now() };
  const bucketMs = positiveInteger(options.bucketMs ?? DEFAULT_BUCKET_MS, 'bucketMs');
  const retentionMs = positiveInteger(options.retentionMs ?? DEFAULT_RETENTION_MS, 'retentionMs');
  if (retentionMs < MIN_RETENTION_MS) {
    throw new RangeError(`History retentionMs must keep at least 7 days (${MIN_RETENTION_MS}), got ${retentionMs}`);
  }
  const persistDelayMs = options.persistDelayMs ?? DEFAULT_PERSIST_DELAY_MS;
  if (!(persistDelayMs >= 0)) throw new RangeError(`History persistDelayMs must be >= 0, got ${persistDelayMs}`);
  const alertRule: AlertRule = {
    threshold: options.alert?.threshold ?? DEFAULT_ALERT_RULE.threshold,
    windowMs: options.alert?.windowMs ?? DEFAULT_ALERT_RULE.windowMs,
    minAttempts: options.alert?.minAttempts ?? DEFAULT_ALERT_RULE.minAttempts,
  };

  const state = new HistoryState(
    bucketMs,
    positiveInteger(options.maxModels ?? DEFAULT_MAX_MODELS, 'maxModels'),
    positiveInteger(options.maxFailures ?? DEFAULT_MAX_FAILURES, 'maxFailures'),
  );
  const store = state.store;
  const tracker = new AlertTracker(alertRule);
  /** Tells this instance's saves apart from other windows' saves of the same file. */
  const writerId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  const alertsFired = new Emitter<[HistoryAlert]>();
  const changes = new Emitter<[HistoryChange]>();
  const warnings = new Emitter<[string]>();

  let dirty = false;
  let disposed = false;
  /** After clear(), the next save replaces the stored history instead of merging with it. */
  let replaceOnNextSave = false;
  /** The stored version memory already reflects (writer and savedAt of the file). */
  let knownStoredVersion: string | undefined;
  let loadState: 'not_started' | 'loading' | 'settled' = 'not_started';
  let loading: Promise<LoadResult> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writeChain: Promise<void> = Promise.resolve();
  let lastPruneBucket = -Infinity;

  function warn(message: string): void {
    warnings.emit(redactSecrets(message));
  }

  function cutoff(now: number): number {
    return now - retentionMs;
  }

  function prune(now: number): void {
    if (state.prune(cutoff(now))) dirty = true;
  }

  /** Pruning is cheap but not free: do it at most once per bucket of wall time. */
  function pruneOccasionally(now: number): void {
    const bucket = store.bucketStart(now);
    if (bucket === lastPruneBucket) return;
    lastPruneBucket = bucket;
    prune(now);
  }

  function windowFigures(model: string, windowMs: number, now: number): WindowFigures {
    const sinceMs = store.bucketStart(now - windowMs);
    const totals = store.totals(model, sinceMs, now);
    return { attempts: totals.attempts, overloaded529: totals.overloaded529, sinceMs, untilMs: now };
  }

  function evaluateAlerts(models: readonly string[], now: number): void {
    for (const model of models) {
      const fired = tracker.evaluate(model, windowFigures(model, alertRule.windowMs, now), now);
      if (fired !== undefined) alertsFired.emit(fired);
    }
  }

  function schedulePersist(): void {
    if (disposed || loadState !== 'settled' || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      flush().catch((error: unknown) => warn(`Could not save the request history: ${errorText(error)}`));
    }, persistDelayMs);
    timer.unref?.();
  }

  function markChanged(change: HistoryChange): void {
    dirty = true;
    schedulePersist();
    changes.emit(change);
  }

  function record(event: ManagerEvent): void {
    if (disposed || event.type !== 'attempt') return;
    const now = clock.now();
    pruneOccasionally(now);
    if (!Number.isFinite(event.time) || event.time <= cutoff(now)) return;
    if (typeof event.model !== 'string' || event.model === '') return;
    // The user's own network failing says nothing about the model: not in its history.
    if (event.errorClass !== null && !policyOf(event.errorClass).countsForModel) return;
    state.record(event, failureRecordOf(event));
    evaluateAlerts([event.model], now);
    markChanged({ kind: 'attempt', model: event.model, time: event.time });
  }

  function buckets(query: BucketQuery): HistoryBucket[] {
    const now = clock.now();
    pruneOccasionally(now);
    return store.query(query.sinceMs, query.untilMs ?? now, query.model);
  }

  function failures(filter: FailureFilter = {}): FailureRecord[] {
    return state.ring
      .toArray()
      .filter(
        (f) =>
          (filter.model === undefined || f.model === filter.model) &&
          (filter.errorClass === undefined || f.errorClass === filter.errorClass) &&
          (filter.sinceMs === undefined || f.time >= filter.sinceMs) &&
          (filter.untilMs === undefined || f.time <= filter.untilMs),
      )
      .sort(byTimeDescending);
  }

  function rate529(model: string, windowMs: number): number {
    const figures = windowFigures(model, windowMs, clock.now());
    return figures.attempts === 0 ? 0 : figures.overloaded529 / figures.attempts;
  }

  function alerts(): HistoryAlert[] {
    const now = clock.now();
    evaluateAlerts([...new Set([...store.models(), ...tracker.modelsInIncident()])], now);
    const out: HistoryAlert[] = [];
    for (const model of tracker.modelsInIncident()) {
      const alert = tracker.current(model, windowFigures(model, alertRule.windowMs, now));
      if (alert !== undefined) out.push(alert);
    }
    return out;
  }

  function snapshot(query: SnapshotQuery = {}): HistorySnapshot {
    const now = clock.now();
    pruneOccasionally(now);
    const sinceMs = query.sinceMs ?? cutoff(now);
    const maxFailures = query.maxFailures ?? DEFAULT_SNAPSHOT_FAILURES;
    const recentFailures = failures({ sinceMs });
    return {
      generatedAt: now,
      bucketMs,
      retentionMs,
      sinceMs,
      untilMs: now,
      models: store.models(),
      buckets: store.query(sinceMs, now),
      failures: recentFailures.slice(0, Math.max(0, maxFailures)),
      failureCount: recentFailures.length,
      alerts: alerts(),
      alertRule,
    };
  }

  function clear(): void {
    state.clear();
    tracker.forget();
    replaceOnNextSave = true;
    markChanged({ kind: 'cleared' });
  }

  function storedVersion(stored: DecodedHistory): string {
    return `${stored.writer}@${stored.savedAt}`;
  }

  /** Memory becomes the stored history plus whatever was recorded and not saved yet. */
  function adopt(stored: DecodedHistory): { buckets: number; failures: number } {
    const now = clock.now();
    const adopted = state.adopt(stored, cutoff(now), sanitizedFailure);
    knownStoredVersion = storedVersion(stored);
    prune(now);
    evaluateAlerts([...new Set([...store.models(), ...tracker.modelsInIncident()])], now);
    return adopted;
  }

  async function setAsideUnreadable(reason: string): Promise<string> {
    try {
      await storage.setAside(reason);
      return 'it was set aside';
    } catch (error) {
      return `it could not be set aside (${errorText(error)})`;
    }
  }

  async function readStored(): Promise<LoadResult> {
    let text: string | undefined;
    try {
      text = await storage.read();
    } catch (error) {
      return { status: 'unavailable', warning: redactSecrets(`Could not read the request history; starting empty: ${errorText(error)}`) };
    }
    if (text === undefined || text.trim() === '') return { status: 'empty' };
    const decoded = decodeHistory(text);
    if (!decoded.ok) {
      const reason = redactSecrets(decoded.reason);
      const where = await setAsideUnreadable(reason);
      dirty = true;
      return {
        status: 'corrupt',
        warning: redactSecrets(`The request history file was unreadable (${reason}); ${where} and history starts empty.`),
      };
    }
    const adopted = adopt(decoded.history);
    return { status: 'loaded', buckets: adopted.buckets, failures: adopted.failures };
  }

  function load(): Promise<LoadResult> {
    if (loading !== undefined) return loading;
    loadState = 'loading';
    loading = readStored()
      .catch((error: unknown): LoadResult => ({
        status: 'unavailable',
        warning: redactSecrets(`Could not load the request history; starting empty: ${errorText(error)}`),
      }))
      .then((result) => {
        loadState = 'settled';
        if (disposed) return result;
        if (result.status === 'corrupt' || result.status === 'unavailable') warn(result.warning);
        if (result.status === 'loaded') changes.emit({ kind: 'loaded' });
        // Whatever was recorded while loading (or the set-aside file) still needs saving.
        if (dirty) schedulePersist();
        return result;
      });
    return loading;
  }

  /** Before a save: take in what another window saved since we last read or wrote the file. */
  async function mergeStoredChanges(): Promise<void> {
    let text: string | undefined;
    try {
      text = await storage.read();
    } catch {
      return; // Unreadable now: the write below will tell whether the storage works at all.
    }
    if (text === undefined || text.trim() === '' || replaceOnNextSave) return;
    const decoded = decodeHistory(text);
    if (!decoded.ok) {
      const reason = redactSecrets(decoded.reason);
      warn(`The request history file was unreadable (${reason}); ${await setAsideUnreadable(reason)} and is being rewritten.`);
      return;
    }
    if (storedVersion(decoded.history) === knownStoredVersion) return;
    adopt(decoded.history);
    changes.emit({ kind: 'loaded' });
  }

  async function writeNow(): Promise<void> {
    if (!dirty) return;
    // Read, merge and write as one step under the storage's lock, when it has one: another
    // window's save between our read and our write would otherwise be overwritten.
    if (storage.exclusive) await storage.exclusive(mergeAndWrite);
    else await mergeAndWrite();
  }

  async function mergeAndWrite(): Promise<void> {
    if (!dirty) return;
    await mergeStoredChanges();
    const now = clock.now();
    prune(now);
    const text = encodeHistory({
      savedAt: now,
      writer: writerId,
      bucketMs,
      buckets: store.query(-Infinity, Infinity),
      failures: state.ring.toArray(),
    });
    const saving = state.takeUnsaved();
    const wasReplacing = replaceOnNextSave;
    replaceOnNextSave = false;
    dirty = false;
    try {
      await storage.write(text);
      knownStoredVersion = `${writerId}@${now}`;
    } catch (error) {
      state.restoreUnsaved(saving);
      replaceOnNextSave ||= wasReplacing;
      dirty = true;
      throw error;
    }
  }

  function flush(): Promise<void> {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const pendingLoad = loadState === 'loading' ? loading : undefined;
    const next = writeChain.then(async () => {
      if (pendingLoad !== undefined) await pendingLoad;
      await writeNow();
    });
    // Later flushes wait for this one whether it succeeds or not.
    writeChain = next.catch(() => undefined);
    return next;
  }

  async function dispose(): Promise<void> {
    if (disposed) return;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    try {
      // Without a load, an unreadable stored file was never set aside: leave storage alone.
      if (dirty && loadState !== 'not_started') await flush();
    } catch (error) {
      warn(`Could not save the request history: ${errorText(error)}`);
    } finally {
      disposed = true;
      alertsFired.clear();
      changes.clear();
      warnings.clear();
    }
  }

  let simulated = options.simulated;

  const history: History = {
    bucketMs,
    retentionMs,
    alertRule,
    relabel(label: string): void {
      if (simulated === undefined) return;
      simulated = label;
    },
    record,
    buckets,
    models: () => store.models(),
    failures,
    rate529,
    alerts,
    onAlert: (listener) => alertsFired.on(listener),
    onChange: (listener) => changes.on(listener),
    onWarning: (listener) => warnings.on(listener),
    snapshot,
    clear,
    load,
    flush,
    dispose,
  };
  // Read at each use (a getter, not a copy): a rehearsal that switched scenario is named as it is now.
  if (simulated !== undefined) Object.defineProperty(history, 'simulated', { get: () => simulated, enumerable: true });
  return history;
}
