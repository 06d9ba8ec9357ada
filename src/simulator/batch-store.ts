// The simulator's Message Batches: each batch's requests are answered when it is
// created (as the Messages endpoint would answer them, so a succeeded result holds
// the canonical answer), and the batch reports them once its processing time has
// passed, as the API does: counts move from `processing` only when the batch ends.
import { newBatchId, newMessageId, newRequestId } from './ids';
import { parseMessageRequest } from './message-request';
import { planAnswer } from './answer-plan';
import { messageObject } from './message-shapes';
import { supportsThinking } from './model-catalog';
import { errorBody } from './error-responses';
import type { OutcomeEngine } from './outcome-engine';
import { hashString, mulberry32 } from './rng';
import { effectiveBatchBehavior } from './batch-types';
import type { BatchBehavior, BatchCreateOutcome } from './batch-types';

const DAY_MS = 24 * 60 * 60 * 1000;

export type SimBatchResult =
  | { type: 'succeeded'; message: Record<string, unknown> }
  | { type: 'errored'; error: ReturnType<typeof errorBody> }
  | { type: 'expired' }
  | { type: 'canceled' };

interface SimBatchRequest {
  customId: string;
  /** The answer the request gets if the batch is not canceled before it is processed. */
  result: SimBatchResult;
}

interface SimBatch {
  id: string;
  createdAt: number;
  processingMs: number;
  cancelAt: number | null;
  requests: SimBatchRequest[];
}

export interface BatchCreateRequest {
  customId: string;
  params: unknown;
}

/** One call to a batch endpoint, for tests (`GET /_sim/batches`). */
export interface BatchCallRecord {
  time: number;
  method: string;
  path: string;
  status: number;
  requestId: string;
}

/** After a cancel, the batch winds down this quickly (the API takes a moment too). */
const CANCEL_WIND_DOWN_MS = 100;

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export class SimBatchStore {
  private readonly batches = new Map<string, SimBatch>();
  private readonly sequencePositions = new Map<readonly BatchCreateOutcome[], number>();
  private created = 0;
  readonly calls: BatchCallRecord[] = [];

  /** The answer to the next create call from the scenario's `createSequence`. */
  nextCreateOutcome(behavior: BatchBehavior | undefined): BatchCreateOutcome {
    const sequence = effectiveBatchBehavior(behavior).createSequence;
    const position = this.sequencePositions.get(sequence) ?? 0;
    if (position >= sequence.length) return 'ok';
    this.sequencePositions.set(sequence, position + 1);
    return sequence[position]!;
  }

  create(requests: readonly BatchCreateRequest[], behavior: BatchBehavior | undefined, engine: OutcomeEngine, seed: number, now = Date.now()): SimBatch {
    const effective = effectiveBatchBehavior(behavior);
    const random = mulberry32((seed ^ hashString(`batch:${this.created++}`)) >>> 0);
    const batch: SimBatch = {
      id: newBatchId(),
      createdAt: now,
      processingMs: effective.processingMs,
      cancelAt: null,
      requests: requests.map((r) => ({ customId: r.customId, result: answer(r.params, random(), random(), effective, engine, now) })),
    };
    this.batches.set(batch.id, batch);
    return batch;
  }

  get(id: string): SimBatch | undefined {
    return this.batches.get(id);
  }

  /** Most recent first, as the API lists them. */
  list(): SimBatch[] {
    return [...this.batches.values()].reverse();
  }

  delete(id: string): void {
    this.batches.delete(id);
  }

  cancel(batch: SimBatch, now = Date.now()): void {
    if (batch.cancelAt === null && now < endsAt(batch)) batch.cancelAt = now;
  }

  /** The batch as `GET /v1/messages/batches/{id}` answers it. */
  view(batch: SimBatch, origin: string, now = Date.now()): Record<string, unknown> {
    const ended = now >= endsAt(batch);
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    if (ended) for (const result of finalResults(batch)) counts[result.result.type]++;
    else counts.processing = batch.requests.length;
    return {
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.cancelAt !== null ? 'canceling' : 'in_progress',
      request_counts: counts,
      ended_at: ended ? iso(endsAt(batch)) : null,
      created_at: iso(batch.createdAt),
      expires_at: iso(batch.createdAt + DAY_MS),
      archived_at: null,
      cancel_initiated_at: batch.cancelAt === null ? null : iso(batch.cancelAt),
      results_url: ended ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
    };
  }

  isEnded(batch: SimBatch, now = Date.now()): boolean {
    return now >= endsAt(batch);
  }

  /** The `.jsonl` results file: one line per request, not in request order (clients must match `custom_id`). */
  resultsJsonl(batch: SimBatch): string {
    const lines = finalResults(batch).map((r) => JSON.stringify({ custom_id: r.customId, result: r.result }));
    const half = Math.floor(lines.length / 2);
    return [...lines.slice(half), ...lines.slice(0, half)].map((line) => `${line}\n`).join('');
  }
}

function endsAt(batch: SimBatch): number {
  const natural = batch.createdAt + batch.processingMs;
  return batch.cancelAt === null ? natural : Math.min(natural, batch.cancelAt + CANCEL_WIND_DOWN_MS);
}

/** Requests processed before a cancel keep their answer; the rest are canceled. */
function finalResults(batch: SimBatch): Array<{ customId: string; result: SimBatchResult }> {
  const processed =
    batch.cancelAt === null || batch.processingMs === 0
      ? batch.requests.length
      : Math.floor((batch.requests.length * (batch.cancelAt - batch.createdAt)) / batch.processingMs);
  return batch.requests.map((r, i) => ({ customId: r.customId, result: i < processed ? r.result : { type: 'canceled' } }));
}

function errored(type: string, message: string): SimBatchResult {
  return { type: 'errored', error: errorBody(type, message, newRequestId()) };
}

/** What the Messages endpoint would answer to `params` (non-streaming), or the scenario's errored/expired draw. */
function answer(
  params: unknown,
  expiredRoll: number,
  erroredRoll: number,
  behavior: ReturnType<typeof effectiveBatchBehavior>,
  engine: OutcomeEngine,
  now: number,
): SimBatchResult {
  const parsed = parseMessageRequest(params);
  if (!parsed.ok) return errored('invalid_request_error', parsed.message);
  if (parsed.value.stream) return errored('invalid_request_error', 'stream: streaming is not supported in a Message Batch');
  const request = parsed.value;
  const model = engine.behaviorFor(request.model, now);
  if (model.unknown) return errored('not_found_error', `model: ${request.model}`);
  if (expiredRoll < behavior.pExpired) return { type: 'expired' };
  if (erroredRoll < behavior.pErrored) return errored('api_error', 'Internal server error');
  if (request.thinking && !supportsThinking(request.model, model)) return errored('invalid_request_error', 'thinking is not supported on this model');
  const plan = planAnswer(request, model);
  const usage = { read: 0, creation5m: 0, creation1h: 0, uncached: request.inputTokens };
  return { type: 'succeeded', message: messageObject(newMessageId(), request.model, plan, usage, plan.outputTokens) };
}
