// Finishing an answer the broker started: the text already delivered becomes an assistant
// prefill (the API refuses trailing whitespace in one, so it is trimmed and the same characters
// are skipped when the continuation repeats them), and only the rest reaches the caller.
import type { AttemptRecord, ClaudeRequest, Outcome } from '../../core/types';

export interface Continuation {
  readonly request: ClaudeRequest;
  /** Whitespace trimmed off the prefill, expected again at the start of the continuation. */
  readonly skip: string;
}

/** The request that continues after `delivered`; the request itself when nothing was delivered. */
export function continuationOf(request: ClaudeRequest, delivered: string): Continuation {
  if (delivered === '') return { request, skip: '' };
  // The API takes no prefill with thinking on, and a second line of reasoning would contradict the first.
  const { thinking: _thinking, ...withoutThinking } = request;
  void _thinking;
  const messages = [...request.messages];
  const last = messages[messages.length - 1];
  const base = last && last.role === 'assistant' && typeof last.content === 'string' ? last.content : null;
  const full = (base ?? '') + delivered;
  const trimmed = full.trimEnd();
  const prefill = { role: 'assistant' as const, content: trimmed };
  if (base !== null) messages[messages.length - 1] = prefill;
  else messages.push(prefill);
  return { request: { ...withoutThinking, messages } as ClaudeRequest, skip: full.slice(trimmed.length) };
}

/** Drops the expected whitespace from the start of a continuation, as its deltas arrive. */
export class SkipPrefix {
  constructor(private pending: string) {}

  take(delta: string): string {
    let text = delta;
    while (this.pending !== '' && text !== '' && text[0] === this.pending[0]) {
      text = text.slice(1);
      this.pending = this.pending.slice(1);
    }
    if (text !== '') this.pending = '';
    return text;
  }
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
