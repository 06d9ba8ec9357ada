// A RelayStream over the queue the relay fills: iterate it for the text deltas, `parts` for every
// typed part (text, thinking, complete tool calls), or `events` for the API's own events. The view
// the caller opens tells the relay what the caller has seen (answerRelay.ts: what a break may redo).
import type { AnswerEvent, Outcome, RelayStream, RequestStream, StreamPart } from './types';
import type { TextQueue } from './textQueue';
import type { RelayItem, RelayView } from './answerRelay';

export interface ViewedStream {
  readonly stream: RelayStream;
  /** What the caller reads ('events' until it opens another view: a relay may already hand them on). */
  readonly view: () => RelayView;
}

export function requestStream(queue: TextQueue<RelayItem>, outcome: Promise<Outcome>, clientRequestId: string): ViewedStream {
  let view: RelayView | null = null;
  const open = <T>(chosen: RelayView, pick: (item: RelayItem) => T | undefined): AsyncIterator<T> => {
    const items = queue.iterate(pick);
    view = chosen;
    return items;
  };
  const part = (item: RelayItem): StreamPart | undefined => item.part ?? undefined;
  const text = (item: RelayItem): string | undefined => (item.part?.type === 'text' ? item.part.text : undefined);
  const event = (item: RelayItem): AnswerEvent => item.event;
  return {
    stream: {
      outcome,
      clientRequestId,
      parts: { [Symbol.asyncIterator]: () => open('parts', part) },
      events: { [Symbol.asyncIterator]: () => open('events', event) },
      [Symbol.asyncIterator]: () => open('parts', text),
    },
    view: () => view ?? 'events',
  };
}

/** A stream of typed parts only (the broker client's, whose parts arrive already made). */
export function partStream(queue: TextQueue<StreamPart>, outcome: Promise<Outcome>, clientRequestId: string): RequestStream {
  const open = <T>(pick: (part: StreamPart) => T | undefined): AsyncIterator<T> => queue.iterate(pick);
  return {
    outcome,
    clientRequestId,
    parts: { [Symbol.asyncIterator]: () => open((part) => part) },
    [Symbol.asyncIterator]: () => open((part) => (part.type === 'text' ? part.text : undefined)),
  };
}
