// Finishing an answer the broker started, by core's one continuation rule (core/continuation.ts):
// the text already delivered becomes the assistant's prefill, thinking is turned off, and only the
// rest reaches the caller (core's SkipPrefix drops the whitespace the prefill had to trim).
import type { AttemptRecord, ClaudeRequest, Outcome } from '../../core/types';
import { continuationPlan } from '../../core/continuation';

export interface Continuation {
  readonly request: ClaudeRequest;
  /** Whitespace trimmed off the prefill, expected again at the start of the continuation. */
  readonly skip: string;
}

/** The request that continues after `delivered`; the request itself when nothing was delivered. */
export function continuationOf(request: ClaudeRequest, delivered: string): Continuation {
  if (delivered === '') return { request, skip: '' };
  const plan = continuationPlan(request.messages, [{ type: 'text', text: delivered }]);
  const { thinking: _thinking, ...withoutThinking } = request;
  void _thinking;
  return { request: { ...withoutThinking, messages: plan.messages } as ClaudeRequest, skip: plan.skip };
}

/** The outcome of an answer the broker began and this process finished: one text, one message, every attempt. */
export function joinOutcome(outcome: Outcome, delivered: string, forwarded: string, earlier: readonly AttemptRecord[]): Outcome {
  const attempts = [...earlier, ...outcome.attempts];
  const text = delivered + forwarded;
  if (outcome.ok) {
    const [first, ...rest] = outcome.message.content;
    const content =
      delivered === ''
        ? outcome.message.content
        : first?.type === 'text'
          ? [{ ...first, text: delivered.trimEnd() + first.text }, ...rest]
          : [{ type: 'text' as const, text: delivered, citations: null }, ...outcome.message.content];
    return { ...outcome, text, attempts, message: { ...outcome.message, content } };
  }
  const requestIds = [...earlier.map((a) => a.requestId).filter((id): id is string => id !== null), ...outcome.error.requestIds];
  return { ...outcome, text, attempts, error: { ...outcome.error, requestIds } };
}
