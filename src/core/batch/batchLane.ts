// The batch lane: submits batches, keeps their records in a store (so a new lane
// over the same store — a reloaded window — picks every running batch up again),
// polls each running batch on a gentle, growing schedule, downloads the results
// once it ends, and cancels on request. A failure never drops the local record:
// it is kept with the problem, to be sent again once the key is fixed.
import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages/batches';
import type { Clock } from '../contract';
import { systemClock } from '../clock';
import { shortMessage } from '../redact';
import { Emitter } from '../../shared/emitter';
import type { Unsubscribe } from '../../shared/emitter';
import { BatchApiError, missingKeyProblem } from './batchErrors';
import type { BatchClient } from './batchClient';
import { estimateBatch } from './batchEstimate';
import { batchLimitProblem } from './batchLimits';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay } from './batchPolling';
import type { PollSchedule } from './batchPolling';
import { toResultEntries } from './batchResults';
import { EMPTY_COUNTS, isActive } from './batchTypes';
import type { BatchOperation, BatchProblem, BatchRecord, BatchRequestSpec, BatchResultEntry, BatchStore } from './batchTypes';

/** The endpoint of batches sent to the configured API (and of records kept before endpoints were). */
export const LIVE_ENDPOINT = 'live';

function endpointOf(record: BatchRecord): string {
  return record.endpoint ?? LIVE_ENDPOINT;
}

export interface BatchLaneOptions {
  readonly store: BatchStore;
  /** A client for the endpoint a batch went to (see `endpoint`); rejects with a BatchApiError
   *  (no key, an endpoint that is gone) when there is none. */
  readonly client: (op: BatchOperation, endpoint: string) => Promise<BatchApi>;
  /** Where new batches go right now (default "live"; a rehearsal names its simulator): each batch
   *  is polled where it was sent, never at an endpoint that does not know it. */
  readonly endpoint?: () => string;
  readonly clock?: Clock;
  readonly schedule?: PollSchedule;
  /** While this answers true, polling waits (the window has not had the focus for long). */
  readonly paused?: () => boolean;
  readonly newLocalId?: () => string;
}

/** The calls the lane makes (a BatchClient; tests hand in a small double). */
export type BatchApi = Pick<BatchClient, 'submit' | 'retrieve' | 'cancel' | 'results'>;

export interface BatchDraft {
  readonly title: string;
  readonly model: string;
  readonly requests: readonly BatchRequestSpec[];
}

export type BatchLaneEvent =
  | { readonly type: 'changed'; readonly record: BatchRecord }
  /** The batch ended and its results are stored (fired once per batch and lane). */
  | { readonly type: 'ended'; readonly record: BatchRecord }
  /** The server the batch went to is gone: it can never end (fired once per batch). */
  | { readonly type: 'gone'; readonly record: BatchRecord };

function randomLocalId(): string {
  return `batch_${globalThis.crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

function fromApi(batch: MessageBatch): Pick<BatchRecord, 'batchId' | 'status' | 'counts' | 'total' | 'expiresAt' | 'endedAt'> {
  const c = batch.request_counts;
  return {
    batchId: batch.id,
    status: batch.processing_status,
    counts: { processing: c.processing, succeeded: c.succeeded, errored: c.errored, canceled: c.canceled, expired: c.expired },
    total: c.processing + c.succeeded + c.errored + c.canceled + c.expired,
    expiresAt: batch.expires_at,
    endedAt: batch.ended_at,
  };
}

function problemOf(error: unknown, op: BatchOperation, clock: Clock): BatchProblem {
  if (error instanceof BatchApiError) return error.problem;
  const text = error instanceof Error ? error.message : String(error);
  return { time: clock.now(), op, kind: 'api_error', errorClass: null, status: null, requestId: null, message: shortMessage(text) };
}

export class BatchLane {
  private readonly store: BatchStore;
  private readonly clock: Clock;
  private readonly schedule: PollSchedule;
  private readonly events = new Emitter<[BatchLaneEvent]>();
  /** One polling loop per running batch, by local id. */
  private readonly loops = new Map<string, AbortController>();
  private readonly checks = new Map<string, Promise<void>>();
  private readonly disposed = new AbortController();

  constructor(private readonly options: BatchLaneOptions) {
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.schedule = options.schedule ?? DEFAULT_POLL_SCHEDULE;
  }

  onEvent(listener: (event: BatchLaneEvent) => void): Unsubscribe {
    return this.events.on(listener);
  }

  /** Newest first. */
  list(): BatchRecord[] {
    return [...this.store.list()].sort((a, b) => b.createdAt - a.createdAt);
  }

  get(localId: string): BatchRecord | undefined {
    return this.store.get(localId);
  }

  results(localId: string): Promise<readonly BatchResultEntry[] | undefined> {
    return this.store.results(localId);
  }

  /**
   * Picks up every stored batch: running ones are polled again; one whose create call never
   * answered (the window closed meanwhile) is kept as not submitted, since it may or may not exist.
   */
  async resume(): Promise<void> {
    for (const record of this.store.list()) {
      if (record.status === 'submitting') {
        await this.update(record.localId, {
          status: 'not_submitted',
          problem: {
            time: this.clock.now(),
            op: 'create',
            kind: 'api_error',
            errorClass: null,
            status: null,
            requestId: null,
            message: 'The window closed before the API answered the submission; the batch may not exist. Check your batches in the Console before submitting it again.',
          },
        });
      } else if ((isActive(record) || (record.status === 'ended' && !record.resultsStored)) && record.batchId !== null) {
        // Running, or ended with its results not downloaded yet (the window closed in between).
        // One sent to a server that is gone (a rehearsal of the closed window) says so at once.
        if (endpointOf(record) === LIVE_ENDPOINT || !(await this.endpointGone(record))) this.startLoop(record.localId);
      }
    }
  }

  /** True (and the batch marked gone) when the endpoint the batch went to no longer exists. */
  private async endpointGone(record: BatchRecord): Promise<boolean> {
    try {
      await this.options.client('retrieve', endpointOf(record));
      return false;
    } catch (error) {
      return this.markGoneOn(record.localId, error);
    }
  }

  /** A BatchApiError saying the endpoint is gone: the batch can never be reached again. */
  private async markGoneOn(localId: string, error: unknown): Promise<boolean> {
    if (!(error instanceof BatchApiError) || error.problem.kind !== 'endpoint_gone') return false;
    this.loops.get(localId)?.abort();
    this.loops.delete(localId);
    const gone = await this.update(localId, { status: 'gone', problem: error.problem });
    this.emit({ type: 'gone', record: gone });
    return true;
  }

  /** Stores the batch, then submits it. Resolves with the record, submitted or kept with its problem. */
  async submit(draft: BatchDraft): Promise<BatchRecord> {
    const limit = batchLimitProblem(draft.requests);
    if (limit !== null) throw new Error(limit);
    const record: BatchRecord = {
      localId: (this.options.newLocalId ?? randomLocalId)(),
      batchId: null,
      title: draft.title,
      model: draft.model,
      createdAt: this.clock.now(),
      endpoint: this.options.endpoint?.() ?? LIVE_ENDPOINT,
      status: 'submitting',
      counts: { ...EMPTY_COUNTS, processing: draft.requests.length },
      total: draft.requests.length,
      expiresAt: null,
      endedAt: null,
      createRequestId: null,
      estimate: estimateBatch(draft.requests),
      requests: draft.requests.map((r) => ({ customId: r.customId, label: r.label })),
      problem: null,
      resultsStored: false,
      notified: false,
    };
    await this.store.putPending(record.localId, draft.requests);
    await this.store.put(record);
    this.emit({ type: 'changed', record });
    return this.send(record.localId);
  }

  /** Sends a batch that could not be submitted (after the key was fixed, say). */
  async resubmit(localId: string): Promise<BatchRecord> {
    const record = this.require(localId);
    if (record.status !== 'not_submitted' || (await this.store.pending(localId)) === undefined) {
      throw new Error(`Batch "${record.title}" was already submitted.`);
    }
    await this.update(localId, { status: 'submitting', problem: null });
    return this.send(localId);
  }

  /** Asks the API to cancel a running batch; its requests not yet processed end as canceled. */
  async cancel(localId: string): Promise<BatchRecord> {
    const record = this.require(localId);
    if (record.batchId === null) throw new Error(`Batch "${record.title}" was never submitted; there is nothing to cancel.`);
    if (!isActive(record)) return record;
    try {
      const client = await this.options.client('cancel', endpointOf(record));
      const { data } = await client.cancel(record.batchId, this.disposed.signal);
      const updated = await this.update(localId, { ...fromApi(data), problem: null });
      this.startLoop(localId, true);
      return updated;
    } catch (error) {
      const updated = (await this.markGoneOn(localId, error)) ? this.require(localId) : await this.update(localId, { problem: problemOf(error, 'cancel', this.clock) });
      throw new BatchApiError(updated.problem!, error instanceof BatchApiError ? error.classification : null);
    }
  }

  /** Checks the batch now (and restarts its polling if it had stopped on a problem). */
  async refresh(localId: string): Promise<BatchRecord> {
    const record = this.require(localId);
    if (record.batchId === null) return record;
    await this.check(localId);
    const after = this.require(localId);
    if (isActive(after) || (after.status === 'ended' && !after.resultsStored)) this.startLoop(localId);
    return after;
  }

  async markNotified(localId: string): Promise<void> {
    await this.update(localId, { notified: true });
  }

  /** Forgets a batch locally (the API keeps it; a running one is canceled first by the caller if wanted). */
  async remove(localId: string): Promise<void> {
    this.loops.get(localId)?.abort();
    this.loops.delete(localId);
    await this.store.remove(localId);
  }

  dispose(): void {
    this.disposed.abort();
    for (const loop of this.loops.values()) loop.abort();
    this.loops.clear();
    this.events.clear();
  }

  private require(localId: string): BatchRecord {
    const record = this.store.get(localId);
    if (!record) throw new Error(`No batch ${localId} is kept here.`);
    return record;
  }

  private async send(localId: string): Promise<BatchRecord> {
    const requests = (await this.store.pending(localId)) ?? [];
    let client: BatchApi;
    try {
      client = await this.options.client('create', endpointOf(this.require(localId)));
    } catch (error) {
      if (await this.markGoneOn(localId, error)) return this.require(localId);
      return this.update(localId, { status: 'not_submitted', problem: error instanceof BatchApiError ? error.problem : missingKeyProblem('create', this.clock.now()) });
    }
    try {
      const known = new Set(this.store.list().flatMap((r) => (r.batchId === null ? [] : [r.batchId])));
      const { data, requestId } = await client.submit(requests, this.disposed.signal, known);
      const record = await this.update(localId, { ...fromApi(data), createRequestId: requestId, problem: null });
      await this.store.putPending(localId, undefined);
      this.startLoop(localId);
      return record;
    } catch (error) {
      return this.update(localId, { status: 'not_submitted', problem: problemOf(error, 'create', this.clock) });
    }
  }

  private async update(localId: string, change: Partial<BatchRecord>): Promise<BatchRecord> {
    const record = { ...this.require(localId), ...change };
    await this.store.put(record);
    this.emit({ type: 'changed', record });
    return record;
  }

  private emit(event: BatchLaneEvent): void {
    this.events.emit(event);
  }

  /** One retrieve (and, once ended, the results download) at a time per batch. */
  private check(localId: string): Promise<void> {
    const running = this.checks.get(localId);
    if (running) return running;
    const check = this.checkOnce(localId).finally(() => this.checks.delete(localId));
    this.checks.set(localId, check);
    return check;
  }

  private async checkOnce(localId: string): Promise<void> {
    const record = this.store.get(localId);
    if (!record || record.batchId === null) return;
    let op: BatchOperation = 'retrieve';
    try {
      const client = await this.options.client('retrieve', endpointOf(record));
      let current = record;
      if (record.status !== 'ended') {
        const { data } = await client.retrieve(record.batchId, this.disposed.signal);
        current = await this.update(localId, { ...fromApi(data), problem: null });
      }
      if (current.status === 'ended' && !current.resultsStored) {
        op = 'results';
        const { data } = await client.results(record.batchId, this.disposed.signal);
        await this.store.putResults(localId, toResultEntries(current, data));
        const done = await this.update(localId, { resultsStored: true, problem: null });
        this.emit({ type: 'ended', record: done });
      }
    } catch (error) {
      if (this.disposed.signal.aborted) return;
      if (await this.markGoneOn(localId, error)) return;
      await this.update(localId, { problem: problemOf(error, op, this.clock) });
    }
  }

  private startLoop(localId: string, soon = false): void {
    if (this.disposed.signal.aborted) return;
    this.loops.get(localId)?.abort();
    const loop = new AbortController();
    this.loops.set(localId, loop);
    void this.poll(localId, loop.signal, soon).finally(() => {
      if (this.loops.get(localId)?.signal === loop.signal) this.loops.delete(localId);
    });
  }

  private async poll(localId: string, signal: AbortSignal, soon: boolean): Promise<void> {
    let delay: number | null = null;
    for (;;) {
      // Right after a cancel the first look comes sooner: the batch winds down quickly.
      delay = soon && delay === null ? Math.ceil(this.schedule.initialMs / 4) : nextPollDelay(delay, this.schedule);
      try {
        await this.clock.sleep(delay, signal);
        while (this.options.paused?.() === true) await this.clock.sleep(this.schedule.initialMs, signal);
      } catch {
        return; // stopped
      }
      if (signal.aborted) return;
      await this.check(localId);
      const record = this.store.get(localId);
      if (!record || !(isActive(record) || (record.status === 'ended' && !record.resultsStored))) return;
      // A refused key, lost access or an unknown batch needs the user; "Refresh" starts polling again.
      if (record.problem !== null && record.problem.kind !== 'api_error') return;
    }
  }
}
