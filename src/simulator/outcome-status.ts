import { STATUS_BY_ERROR_TYPE } from './error-responses';
import type { Outcome } from './scenario-types';

/** The HTTP status a client sees for an outcome (0 when the connection is reset before any). */
export function statusForOutcome(outcome: Outcome, stream: boolean, midStreamErrorType: string): number {
  switch (outcome) {
    case 'ok':
    case 'stall':
      return 200;
    case 'midstream':
      return stream ? 200 : (STATUS_BY_ERROR_TYPE[midStreamErrorType] ?? 500);
    case 'reset':
      return 0;
    case 'html502':
      return 502;
    case 'spend':
      return 429;
    default:
      return Number(outcome);
  }
}
