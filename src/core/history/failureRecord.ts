// Turns a failed attempt into the secret-free record the failure log keeps.
import type { ManagerEvent } from '../types';
import type { FailureRecord } from './historyTypes';
import { redactOptional, redactSecrets } from '../redact';
import { safeClientLabel } from '../requestClient';

/** Failure messages are cut to this length: enough to read, bounded in memory and on disk. */
export const MAX_MESSAGE_CHARS = 500;

type AttemptEvent = Extract<ManagerEvent, { type: 'attempt' }>;

function shortened(message: string | null): string | null {
  return message !== null && message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…` : message;
}

/** undefined for a successful attempt. */
export function failureRecordOf(event: AttemptEvent): FailureRecord | undefined {
  if (event.errorClass === null) return undefined;
  return {
    time: event.time,
    provider: event.provider,
    model: event.model,
    attempt: event.attempt,
    status: event.status,
    errorClass: event.errorClass,
    errorType: redactOptional(event.errorType),
    requestId: redactOptional(event.requestId),
    clientRequestId: redactSecrets(event.clientRequestId),
    client: safeClientLabel(event.client),
    // Redact before shortening, so a cut can never leave part of a key behind.
    message: shortened(redactOptional(event.message)),
  };
}

/** Stored failures pass the same redaction as live ones (an older file may predate it). */
export function sanitizedFailure(failure: FailureRecord): FailureRecord {
  return {
    ...failure,
    errorType: redactOptional(failure.errorType),
    requestId: redactOptional(failure.requestId),
    clientRequestId: redactSecrets(failure.clientRequestId),
    client: safeClientLabel(failure.client),
    message: shortened(redactOptional(failure.message)),
  };
}
