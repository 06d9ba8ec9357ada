// What a failed Batches API call means to the user: the project's classifier
// decides the class (and whether a retry can help); this adds the batch-specific
// reading — a refused key, a key without batch access, an unknown batch.
import type { Classification } from '../classify';
import { policyOf } from '../errorClasses';
import type { BatchOperation, BatchProblem, BatchProblemKind } from './batchTypes';

export class BatchApiError extends Error {
  constructor(
    readonly problem: BatchProblem,
    readonly classification: Classification | null,
  ) {
    super(problem.message);
    this.name = 'BatchApiError';
  }

  get retryable(): boolean {
    // Worth another try of the same call after a wait: what the class means for any route.
    return this.classification !== null && policyOf(this.classification.errorClass).retryRoute && this.problem.kind === 'api_error';
  }
}

function kindOf(op: BatchOperation, c: Classification): BatchProblemKind {
  if (c.status === 401) return 'invalid_api_key';
  if (c.status === 403) return 'no_batch_access';
  if (c.status === 404 && op !== 'create' && op !== 'list') return 'not_found';
  return 'api_error';
}

const VERB: Readonly<Record<BatchOperation, string>> = {
  create: 'Submitting the batch',
  retrieve: 'Checking the batch',
  cancel: 'Canceling the batch',
  results: 'Downloading the batch results',
  list: 'Listing batches',
};

export function problemFor(op: BatchOperation, c: Classification, batchId: string | null, now = Date.now()): BatchProblem {
  const kind = kindOf(op, c);
  const tag = c.status !== null ? `${c.status} ${c.errorType}` : c.errorType;
  const message =
    kind === 'invalid_api_key'
      ? `${VERB[op]} failed: the API key was refused (${tag}).`
      : kind === 'no_batch_access'
        ? `${VERB[op]} failed: this API key has no access to the Message Batches API (${tag}).`
        : kind === 'not_found'
          ? `${VERB[op]} failed: the API does not know batch ${batchId ?? ''} (${tag}); it may belong to another key or workspace.`
          : `${VERB[op]} failed: ${c.message}`;
  return { time: now, op, kind, errorClass: c.errorClass, status: c.status, requestId: c.requestId, message };
}

/** No key at all: nothing was sent. */
export function missingKeyProblem(op: BatchOperation, now = Date.now()): BatchProblem {
  return { time: now, op, kind: 'missing_api_key', errorClass: null, status: null, requestId: null, message: `${VERB[op]} needs an Anthropic API key, and none is set.` };
}
