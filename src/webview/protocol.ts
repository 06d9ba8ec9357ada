// The one message protocol between the diagnostics panel (webview) and the extension host.
// Both sides import this file. Everything the webview sends is untrusted: the host runs it
// through `parseWebviewMessage` (and restored state through `parsePanelState`), which never
// throw and accept only the exact shapes below.
import type { BreakerState, ErrorClass, ProviderId, StatusIncident, StatusIndicator } from '../shared/vocabulary';
import { ERROR_CLASSES, MODEL_ID_PATTERN, PROVIDERS } from '../shared/vocabulary';

export { ERROR_CLASSES, PROVIDERS };
import type { BatchCounts, BatchStatus } from '../core/batch/batchTypes';
import type { BucketCounts as OutcomeCounts, FailureRecord } from '../core/history/historyTypes';

// ---------------------------------------------------------------------------------------
// Shared vocabulary

export const HISTORY_WINDOWS = ['15m', '1h', '24h', '7d'] as const;
export type HistoryWindow = (typeof HISTORY_WINDOWS)[number];

export const WINDOW_MS: Readonly<Record<HistoryWindow, number>> = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
};

/** Width of one chart bucket per window (the host re-buckets the store's counters to this). */
export const DISPLAY_BUCKET_MS: Readonly<Record<HistoryWindow, number>> = {
  '15m': 60_000,
  '1h': 60_000,
  '24h': 15 * 60_000,
  '7d': 2 * 60 * 60_000,
};

export const WINDOW_LABELS: Readonly<Record<HistoryWindow, string>> = {
  '15m': 'Last 15 minutes',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

export const PANEL_TABS = ['history', 'breakers', 'failures', 'batches'] as const;
export type PanelTab = (typeof PANEL_TABS)[number];

/** 'all' or one model id. */
export type ModelFilter = string;
/** 'all' or one error class. */
export type ClassFilter = ErrorClass | 'all';

/** What the panel remembers across reloads (webview getState/setState, the serializer's state). */
export interface PanelState {
  readonly window: HistoryWindow;
  readonly modelFilter: ModelFilter;
  readonly classFilter: ClassFilter;
  readonly tab: PanelTab;
}

export const DEFAULT_PANEL_STATE: PanelState = {
  window: '1h',
  modelFilter: 'all',
  classFilter: 'all',
  tab: 'history',
};

// ---------------------------------------------------------------------------------------
// What the host shows (extension → webview)

/** Counters of one model over one display bucket: the history's outcome counts, and where the bucket starts. */
export interface BucketCounts extends OutcomeCounts {
  /** Epoch ms of the bucket's start. */
  readonly start: number;
}

export interface ModelHistory {
  readonly model: string;
  /** Dense: one entry per display bucket of the window, oldest first. */
  readonly buckets: readonly BucketCounts[];
  /** Sums over the whole window. */
  readonly totals: Omit<BucketCounts, 'start'>;
}

/** A failed attempt as the Failures tab shows it: the failure log's record (client included) without
 *  its attempt number, the message '' when there is none; failed Batches API calls take the same shape. */
export type FailureRow = Omit<FailureRecord, 'attempt' | 'message'> & { readonly message: string };

export interface BreakerCard {
  readonly provider: ProviderId;
  readonly model: string;
  readonly state: BreakerState;
  readonly since: number;
  readonly nextProbeAt: number | null;
  /** Epoch ms when a due probe that no request takes stops being waited for (the breaker closes); absent or null: not waiting. */
  readonly closesAt?: number | null;
  /** Epoch ms until which a rate limit holds the route (absent or null: not held). */
  readonly heldUntil?: number | null;
  readonly consecutiveFailures: number;
  /** Failures / attempts on this route over the alert window; null with no attempts. */
  readonly recentFailureRate: number | null;
  readonly recentAttempts: number;
  /** Hedged pairs on this route in the panel's window (a second attempt beside a late first token). */
  readonly hedges?: number;
  /** Responses cut on this route for silence in the panel's window. */
  readonly stalls?: number;
}

export interface AlertState {
  /** e.g. 0.05 for "529s above 5%". */
  readonly threshold: number;
  /** The alert rule's look-back, e.g. 5 minutes. */
  readonly windowMs: number;
  /** Models whose 529 rate is above the threshold now. */
  readonly firing: ReadonlyArray<{ readonly model: string; readonly rate: number; readonly attempts: number }>;
}

/** The status page's view of Anthropic, as last polled by the host. */
export interface AnthropicStatus {
  readonly indicator: StatusIndicator;
  readonly description: string;
  readonly incidents: readonly StatusIncident[];
  readonly fetchedAt: number;
  /** Set when the last poll failed (the previous incidents, if any, are kept). */
  readonly error: string | null;
}

/** One Message Batch kept in the workspace, as the Batches tab lists it. */
export interface BatchRow {
  readonly localId: string;
  /** The API's id; null until the batch was accepted. */
  readonly batchId: string | null;
  readonly title: string;
  readonly model: string;
  /** Epoch ms when it was submitted. */
  readonly createdAt: number;
  readonly status: BatchStatus;
  readonly counts: BatchCounts;
  readonly total: number;
  /** RFC 3339, from the API (24 h after creation). */
  readonly expiresAt: string | null;
  readonly endedAt: string | null;
  /** Upper estimate in US dollars at batch prices; null when the model's price is unknown. */
  readonly costUsd: number | null;
  readonly createRequestId: string | null;
  /** The last problem with this batch, plain language; null when none. */
  readonly problem: string | null;
  readonly resultsStored: boolean;
}

export const BATCH_ACTIONS = ['openResults', 'cancel', 'refresh', 'resubmit', 'remove'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];

export interface PanelSnapshot {
  /** Host clock when the snapshot was built. */
  readonly now: number;
  readonly window: HistoryWindow;
  readonly windowStart: number;
  readonly bucketMs: number;
  readonly models: readonly ModelHistory[];
  /** Newest first, capped by the host. */
  readonly failures: readonly FailureRow[];
  /** Failures in the window, before the cap. */
  readonly failureCount: number;
  readonly breakers: readonly BreakerCard[];
  readonly alert: AlertState;
  /** null when the status page is disabled or not yet polled. */
  readonly anthropicStatus: AnthropicStatus | null;
  /** The model the user's requests go to first. */
  readonly primaryModel: string | null;
  /** Message Batches kept in this workspace, newest first (absent: none). */
  readonly batches?: readonly BatchRow[];
  /** Set while the data is simulated (an overload rehearsal): what it simulates, e.g. `overload rehearsal "brownout"`. */
  readonly simulated?: string | null;
}

export type HostToWebview =
  | { readonly type: 'snapshot'; readonly snapshot: PanelSnapshot }
  | {
      /** Confirms a copy/export/reset the webview asked for. */
      readonly type: 'notice';
      readonly level: 'info' | 'error';
      readonly text: string;
      /** Echoes the request's `copyKey` so the page can mark the button that asked. */
      readonly copyKey?: string;
    }
  | { readonly type: 'restoreState'; readonly state: PanelState };

// ---------------------------------------------------------------------------------------
// What the webview asks for (webview → extension); validated by `parseWebviewMessage`

export type CopyKind = 'requestId' | 'clientRequestId' | 'batchId';

export type WebviewToHost =
  | { readonly type: 'ready'; readonly state: PanelState }
  | { readonly type: 'stateChanged'; readonly state: PanelState }
  | { readonly type: 'copyId'; readonly kind: CopyKind; readonly value: string; readonly copyKey: string }
  | { readonly type: 'copyReport'; readonly window: HistoryWindow }
  | { readonly type: 'exportJson'; readonly window: HistoryWindow }
  | { readonly type: 'resetBreaker'; readonly provider: ProviderId; readonly model: string }
  | { readonly type: 'resetAllBreakers' }
  | { readonly type: 'useModel'; readonly model: string }
  | { readonly type: 'refreshStatus' }
  | { readonly type: 'batchAction'; readonly action: BatchAction; readonly localId: string };

// ---------------------------------------------------------------------------------------
// Validators: total functions over `unknown`; never throw.

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;
const COPY_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const LOCAL_BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;

export function isModelId(value: unknown): value is string {
  return typeof value === 'string' && MODEL_ID_PATTERN.test(value);
}

export function isRequestIdLike(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

function isOneOf<T extends string>(options: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (options as readonly string[]).includes(value);
}

export function isHistoryWindow(value: unknown): value is HistoryWindow {
  return isOneOf(HISTORY_WINDOWS, value);
}

/** A plain object's own data property; never runs getters or looks at the prototype chain. */
function field(record: object, name: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(record, name);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

function asPlainRecord(value: unknown): object | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

function hasOnlyKeys(record: object, allowed: readonly string[]): boolean {
  try {
    return Reflect.ownKeys(record).every((k) => typeof k === 'string' && allowed.includes(k));
  } catch {
    return false;
  }
}

/** Returns a clean copy of a valid panel state, or undefined. */
export function parsePanelState(value: unknown): PanelState | undefined {
  const record = asPlainRecord(value);
  if (!record || !hasOnlyKeys(record, ['window', 'modelFilter', 'classFilter', 'tab'])) return undefined;
  const window = field(record, 'window');
  const modelFilter = field(record, 'modelFilter');
  const classFilter = field(record, 'classFilter');
  const tab = field(record, 'tab');
  if (!isHistoryWindow(window)) return undefined;
  if (modelFilter !== 'all' && !isModelId(modelFilter)) return undefined;
  if (classFilter !== 'all' && !isOneOf(ERROR_CLASSES, classFilter)) return undefined;
  if (!isOneOf(PANEL_TABS, tab)) return undefined;
  return { window, modelFilter: modelFilter as string, classFilter, tab };
}

/** Restored state may come from an older version or be missing: fall back to defaults. */
export function panelStateOrDefault(value: unknown): PanelState {
  return parsePanelState(value) ?? DEFAULT_PANEL_STATE;
}

/** Validates one message from the webview; returns a clean copy, or undefined for anything else. */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  const record = asPlainRecord(value);
  if (!record) return undefined;
  const type = field(record, 'type');
  switch (type) {
    case 'ready':
    case 'stateChanged': {
      if (!hasOnlyKeys(record, ['type', 'state'])) return undefined;
      const state = parsePanelState(field(record, 'state'));
      return state ? { type, state } : undefined;
    }
    case 'copyId': {
      if (!hasOnlyKeys(record, ['type', 'kind', 'value', 'copyKey'])) return undefined;
      const kind = field(record, 'kind');
      const idValue = field(record, 'value');
      const copyKey = field(record, 'copyKey');
      if (kind !== 'requestId' && kind !== 'clientRequestId' && kind !== 'batchId') return undefined;
      if (!isRequestIdLike(idValue)) return undefined;
      if (typeof copyKey !== 'string' || !COPY_KEY.test(copyKey)) return undefined;
      return { type, kind, value: idValue, copyKey };
    }
    case 'copyReport':
    case 'exportJson': {
      if (!hasOnlyKeys(record, ['type', 'window'])) return undefined;
      const window = field(record, 'window');
      return isHistoryWindow(window) ? { type, window } : undefined;
    }
    case 'resetBreaker': {
      if (!hasOnlyKeys(record, ['type', 'provider', 'model'])) return undefined;
      const provider = field(record, 'provider');
      const model = field(record, 'model');
      if (!isOneOf(PROVIDERS, provider) || !isModelId(model)) return undefined;
      return { type, provider, model };
    }
    case 'useModel': {
      if (!hasOnlyKeys(record, ['type', 'model'])) return undefined;
      const model = field(record, 'model');
      return isModelId(model) ? { type, model } : undefined;
    }
    case 'batchAction': {
      if (!hasOnlyKeys(record, ['type', 'action', 'localId'])) return undefined;
      const action = field(record, 'action');
      const localId = field(record, 'localId');
      if (!isOneOf(BATCH_ACTIONS, action) || typeof localId !== 'string' || !LOCAL_BATCH_ID.test(localId)) return undefined;
      return { type, action, localId };
    }
    case 'resetAllBreakers':
    case 'refreshStatus':
      return hasOnlyKeys(record, ['type']) ? { type } : undefined;
    default:
      return undefined;
  }
}

/** The webview's light check of what the host sends (the host is trusted; this guards bugs). */
export function isHostToWebview(value: unknown): value is HostToWebview {
  const record = asPlainRecord(value);
  if (!record) return false;
  const type = field(record, 'type');
  if (type === 'snapshot') return asPlainRecord(field(record, 'snapshot')) !== undefined;
  if (type === 'notice') return typeof field(record, 'text') === 'string';
  if (type === 'restoreState') return parsePanelState(field(record, 'state')) !== undefined;
  return false;
}
