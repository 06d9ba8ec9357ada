// Liveness on the raw response: an SDK request middleware that hands the body on
// unchanged and reports every chunk that arrives. The API sends `ping` events
// while it works and the SDK drops them before we see an event, so only the bytes
// tell a slow answer from a dead connection.
import type { ResponseMiddleware } from './wire';

export function byteTap(onBytes: () => void): ResponseMiddleware {
  return async (request, next) => {
    const response = await next(request);
    if (response.body === null) return response;
    const tapped = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onBytes();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(tapped, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
