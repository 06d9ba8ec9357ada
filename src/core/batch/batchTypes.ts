// The batch lane's plain data: what is kept about a batch (so it survives a window
// reload), its per-request results and every call made to the Batches API. All of
// it is serialisable; nothing here holds a secret.
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { ErrorClass } from '../types';

/** One request of a batch: the Messages body it sends and a human label (e.g. the file it is about). */
export interface BatchRequestSpec {
  /** Unique within the batch, 1-64 of A-Z a-z 0-9 _ - (the API's rule). */
  readonly customId: string;
  readonly label: string;
  readonly params: MessageCreateParamsNonStreaming;
}

/**
 * `submitting`: stored, create not answered yet (or the window closed meanwhile);
 * `not_submitted`: the create call failed for good (no key, refused key, no batch access) — kept so it can be sent again;
 * `in_progress` / `canceling` / `ended`: as the API reports;
 * `gone`: the server that held it is gone (a stopped rehearsal's simulator): nothing more can
 * happen to it; kept, with the reason, until the user removes it.
 */
export type BatchStatus = 'submitting' | 'not_submitted' | 'in_progress' | 'canceling' | 'ended' | 'gone';

export interface BatchCounts {
  readonly processing: number;
  readonly succeeded: number;
  readonly errored: number;
  readonly canceled: number;
  readonly expired: number;
}

export interface BatchEstimate {
  readonly inputTokens: number;
  readonly maxOutputTokens: number;
  /** US dollars at batch prices (half the live price), from local counts: an estimate. */
  readonly costUsd: number | null;
  readonly bytes: number;
}

/** Why a batch call failed, secret-free, with the server's request id when there was one. */
export interface BatchProblem {
  readonly time: number;
  readonly op: BatchOperation;
  readonly kind: BatchProblemKind;
  readonly errorClass: ErrorClass | null;
  readonly status: number | null;
  readonly requestId: string | null;
  /** Plain language, says what to do. */
  readonly message: string;
}

/** `endpoint_gone`: the server the batch was sent to no longer runs (nothing to ask, ever). */
export type BatchProblemKind = 'missing_api_key' | 'invalid_api_key' | 'no_batch_access' | 'not_found' | 'endpoint_gone' | 'api_error';

export type BatchOperation = 'create' | 'retrieve' | 'cancel' | 'results' | 'list';

export interface BatchRecord {
  /** Ours, given before the API's id exists. */
  readonly localId: string;
  readonly batchId: string | null;
  readonly title: string;
  readonly model: string;
  /** Epoch ms when the user submitted it. */
  readonly createdAt: number;
  /** Where it was sent: "live" (the configured API) or a rehearsal simulator's label; absent in
   *  records kept before this was stored (live). */
  readonly endpoint?: string;
  readonly status: BatchStatus;
  readonly counts: BatchCounts;
  readonly total: number;
  readonly expiresAt: string | null;
  readonly endedAt: string | null;
  readonly createRequestId: string | null;
  readonly estimate: BatchEstimate;
  readonly requests: ReadonlyArray<{ readonly customId: string; readonly label: string }>;
  /** The last failure of a call about this batch; cleared by the next success. */
  readonly problem: BatchProblem | null;
  readonly resultsStored: boolean;
  /** True once "Open results" was offered for the ended batch (so a reload does not offer it again). */
  readonly notified: boolean;
}

export type BatchResultType = 'succeeded' | 'errored' | 'canceled' | 'expired';

export interface BatchResultEntry {
  readonly customId: string;
  readonly label: string;
  readonly type: BatchResultType;
  /** Succeeded: the answer's text blocks joined. */
  readonly text?: string;
  readonly messageId?: string;
  readonly model?: string;
  readonly stopReason?: string | null;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Errored: the API's error type and message and the request id it gave. */
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly requestId?: string | null;
}

/** One call to the Batches API, as the diagnostics panel and the escalation report show it. */
export interface BatchApiCall {
  readonly time: number;
  readonly op: BatchOperation;
  readonly batchId: string | null;
  /** 1-based try of this call (create and poll calls are retried on 429/529/5xx). */
  readonly attempt: number;
  readonly ok: boolean;
  readonly status: number | null;
  readonly errorClass: ErrorClass | null;
  readonly errorType: string | null;
  readonly requestId: string | null;
  readonly latencyMs: number;
  readonly message?: string;
}

/**
 * Where batches live: the extension keeps records in workspace state and the (possibly large)
 * request bodies and results in files; tests keep everything in memory.
 */
export interface BatchStore {
  list(): readonly BatchRecord[];
  get(localId: string): BatchRecord | undefined;
  put(record: BatchRecord): Promise<void>;
  /** The request bodies of a batch not yet accepted by the API (dropped once it is). */
  pending(localId: string): Promise<readonly BatchRequestSpec[] | undefined>;
  putPending(localId: string, requests: readonly BatchRequestSpec[] | undefined): Promise<void>;
  results(localId: string): Promise<readonly BatchResultEntry[] | undefined>;
  putResults(localId: string, results: readonly BatchResultEntry[]): Promise<void>;
  remove(localId: string): Promise<void>;
}

export const EMPTY_COUNTS: BatchCounts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };

/** True while the API still works on it (or may: a create whose answer never came). */
export function isActive(record: BatchRecord): boolean {
  return record.status === 'in_progress' || record.status === 'canceling' || record.status === 'submitting';
}

/** True while polling has stopped on a problem only the user can solve (a refused key, an unknown batch). */
export function needsUser(record: BatchRecord): boolean {
  return record.status === 'gone' || (isActive(record) && record.problem !== null && record.problem.kind !== 'api_error');
}

/** A kept batch may be removed from the list unless the API still works on it and nothing is wrong. */
export function removable(record: Pick<BatchRecord, 'status' | 'problem'>): boolean {
  const active = record.status === 'in_progress' || record.status === 'canceling' || record.status === 'submitting';
  return !active || record.problem !== null;
}

/** Requests the batch has finished with (the API moves counts only when the batch ends). */
export function doneCount(record: BatchRecord): number {
  return record.total - record.counts.processing;
}
