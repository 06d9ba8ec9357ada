// Liveness on the raw response: an SDK request middleware that hands the body on
// unchanged and reports every complete event that arrives (streamEvents.ts). The
// API sends `ping` events while it works and the SDK drops them before we see an
// event, so only the raw stream tells a slow answer from a dead connection — and
// only complete events tell it from a server trickling bytes that never form one.
import { eventCounterFor } from './streamEvents';
import type { ResponseMiddleware } from './wire';

export function eventTap(onEvent: () => void): ResponseMiddleware {
  return async (request, next) => {
    const response = await next(request);
    if (response.body === null) return response;
    const counter = eventCounterFor(response.headers.get('content-type'));
    // One stream that reads the body as it is read (not a pipe through a transform: that costs a
    // writable, a readable and a pump per response, about a millisecond of CPU per request).
    const reader = response.body.getReader();
    const tapped = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        if (counter.feed(value) > 0) onEvent();
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
    return new Response(tapped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
