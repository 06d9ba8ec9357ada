// A RequestStream over a queue of parts: iterate it for the text deltas, or
// iterate `parts` for every typed part (text, thinking, complete tool calls).
import type { Outcome, RequestStream, StreamPart } from './types';
import type { TextQueue } from './textQueue';

/** The text deltas of a parts iterator (what `for await (const text of stream)` reads). */
function textOnly(parts: AsyncIterator<StreamPart>): AsyncIterator<string> {
  return {
    async next(): Promise<IteratorResult<string>> {
      for (;;) {
        const step = await parts.next();
        if (step.done) return { value: undefined, done: true };
        if (step.value.type === 'text') return { value: step.value.text, done: false };
      }
    },
    async return(): Promise<IteratorResult<string>> {
      await parts.return?.();
      return { value: undefined, done: true };
    },
  };
}

export function requestStream(queue: TextQueue<StreamPart>, outcome: Promise<Outcome>, clientRequestId: string): RequestStream {
  return {
    outcome,
    clientRequestId,
    parts: { [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() },
    [Symbol.asyncIterator]: () => textOnly(queue[Symbol.asyncIterator]()),
  };
}
