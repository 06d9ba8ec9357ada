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
    const tapped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (counter.feed(chunk) > 0) onEvent();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(tapped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
