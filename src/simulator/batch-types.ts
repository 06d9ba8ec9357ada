// The scenario's say over the Message Batches endpoints: how long a batch takes,
// which of its requests error or expire, what a create call answers, and whether
// the key may use batches at all.

/** What one `POST /v1/messages/batches` answers, in order; `ok` creates the batch, and so does
 *  `created_500` (a proxy losing the answer: the batch exists, the client sees a 500). */
export type BatchCreateOutcome = 'ok' | '529' | '429' | '500' | 'created_500';

export const BATCH_CREATE_OUTCOMES: readonly BatchCreateOutcome[] = ['ok', '529', '429', '500', 'created_500'];

export interface BatchBehavior {
  /** Milliseconds from create until the batch ends (default 2000; the API takes up to 24 h). */
  processingMs?: number;
  /** Share of requests whose result is `errored` with an `api_error` (seeded). */
  pErrored?: number;
  /** Share of requests whose result is `expired` (seeded). */
  pExpired?: number;
  /** Scripted answers to create calls, one per call, then `ok`. */
  createSequence?: BatchCreateOutcome[];
  /** false: every batch call answers 403 permission_error, as for a key without batch access. */
  access?: boolean;
}

/** Defaults filled in. */
export interface EffectiveBatchBehavior {
  processingMs: number;
  pErrored: number;
  pExpired: number;
  createSequence: readonly BatchCreateOutcome[];
  access: boolean;
}

export function effectiveBatchBehavior(behavior: BatchBehavior | undefined): EffectiveBatchBehavior {
  return {
    processingMs: behavior?.processingMs ?? 2000,
    pErrored: behavior?.pErrored ?? 0,
    pExpired: behavior?.pExpired ?? 0,
    createSequence: behavior?.createSequence ?? [],
    access: behavior?.access ?? true,
  };
}
