// `messages --count-tokens`: the API's own answer to POST /v1/messages/count_tokens, counted
// through the manager (its routes and breakers), printed as it came.
import type { CountOutcome } from '../core/types';
import { EXIT, attemptsJson, errorJson } from './cliSession';

/** Prints a count (or with --json, { ok, answer, model, attempts, error? }) and returns the exit status. */
export function printCount(outcome: CountOutcome, json: boolean, out: (text: string) => void, err: (text: string) => void): number {
  if (json) {
    const result = outcome.ok
      ? { ok: true, answer: outcome.answer, model: outcome.model, attempts: attemptsJson(outcome) }
      : { ok: false, answer: null, model: null, attempts: attemptsJson(outcome), error: errorJson(outcome) };
    out(`${JSON.stringify(result)}\n`);
  } else if (outcome.ok) out(`${JSON.stringify(outcome.answer)}\n`);
  else {
    err(`Error (${outcome.error.class}): ${outcome.error.message}\n`);
    if (outcome.error.requestIds.length > 0) err(`Request ids: ${outcome.error.requestIds.join(', ')}\n`);
  }
  return outcome.ok ? EXIT.answered : EXIT.failed;
}
