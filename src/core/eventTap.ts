// Liveness on the raw response: an SDK request middleware that hands the body on
// unchanged and reports every complete event that arrives (streamEvents.ts). The
// API sends `ping` events while it works and the SDK drops them before we see an
// event, so only the raw stream tells a slow answer from a dead connection — and
// only complete events tell it from a server trickling bytes that never form one.
import { eventCounterFor } from './streamEvents';
import type { ResponseMiddleware } from './wire';

/** A step of either way of reading a body: an iterator's or a reader's. */
interface Step {
  readonly done?: boolean;
  readonly value?: Uint8Array;
}

/** What the platform's ReadableStream has beside the DOM type: its own async iterator. */
interface IterableBody {
  [Symbol.asyncIterator]?: (options?: { preventCancel?: boolean }) => AsyncIterator<Uint8Array>;
}

/** `onTapped`: this response's body is counted (each event reaches `onEvent` before the SDK's parser). */
export function eventTap(onEvent: () => void, onTapped?: () => void): ResponseMiddleware {
  return async (request, next) => {
    const response = await next(request);
    const body = response.body;
    if (body === null) return response;
    const counter = eventCounterFor(response.headers.get('content-type'));
    const count = <T extends Step>(step: T): T => {
      if (step.done !== true && step.value !== undefined && counter.feed(step.value) > 0) onEvent();
      return step;
    };
    // The SDK reads a streamed body through its async iterator (a reader where there is none): both
    // are wrapped on this one body, so each chunk is counted as the SDK reads it. No second stream:
    // a pull-through ReadableStream in a new Response cost a read, an enqueue and a pull per chunk.
    const iterate = (body as IterableBody)[Symbol.asyncIterator]?.bind(body);
    if (iterate !== undefined) {
      Object.defineProperty(body, Symbol.asyncIterator, {
        configurable: true,
        value: (options?: { preventCancel?: boolean }): AsyncIterableIterator<Uint8Array> => {
          const inner = iterate(options);
          const counted: AsyncIterableIterator<Uint8Array> = {
            next: () => inner.next().then(count),
            return: (value?: unknown) => (inner.return === undefined ? Promise.resolve({ done: true, value: undefined }) : inner.return(value)),
            [Symbol.asyncIterator]: () => counted,
          };
          return counted;
        },
      });
    }
    const getReader = body.getReader.bind(body);
    onTapped?.();
    Object.defineProperty(body, 'getReader', {
      configurable: true,
      value: (): ReadableStreamDefaultReader<Uint8Array> => {
        const reader = getReader();
        const read = reader.read.bind(reader);
        Object.defineProperty(reader, 'read', { configurable: true, value: () => read().then(count) });
        return reader;
      },
    });
    return response;
  };
}
