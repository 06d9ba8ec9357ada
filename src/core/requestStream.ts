// A RelayStream over the queue the relay fills: iterate it for the text deltas, `parts` for every
// typed part (text, thinking, complete tool calls), or `events` for the API's own events. The view
// the caller opens tells the relay what the caller has seen (answerRelay.ts: what a break may redo).
import type { AnswerEvent, Outcome, RelayStream, StreamPart } from './types';
import type { TextQueue } from './textQueue';
import type { RelayView } from './answerRelay';

/** One item of a stream: an event of the answer and the typed part it makes. A stream fed by
 *  typed parts alone (a broker client whose caller reads parts) has no events. */
export interface StreamItem {
  readonly event: AnswerEvent | null;
  readonly part: StreamPart | null;
}

export interface ViewedStream {
  readonly stream: RelayStream;
  /** What the caller reads (what it said it will read until it opens a view, else 'events': a relay may already hand them on). */
  readonly view: () => RelayView;
}

/** `reads`: the view the caller said it will open (SendOptions.reads), until it opens one. */
export function requestStream<T extends StreamItem>(queue: TextQueue<T>, outcome: Promise<Outcome>, clientRequestId: string, reads: RelayView = 'events'): ViewedStream {
  let view: RelayView | null = null;
  const open = <V>(chosen: RelayView, pick: (item: StreamItem) => V | undefined): AsyncIterator<V> => {
    const items = queue.iterate(pick);
    view = chosen;
    return items;
  };
  const part = (item: StreamItem): StreamPart | undefined => item.part ?? undefined;
  const text = (item: StreamItem): string | undefined => (item.part?.type === 'text' ? item.part.text : undefined);
  const event = (item: StreamItem): AnswerEvent | undefined => item.event ?? undefined;
  return {
    stream: {
      outcome,
      clientRequestId,
      parts: { [Symbol.asyncIterator]: () => open('parts', part) },
      events: { [Symbol.asyncIterator]: () => open('events', event) },
      [Symbol.asyncIterator]: () => open('parts', text),
    },
    view: () => view ?? reads,
  };
}
