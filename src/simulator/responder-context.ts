// What answering one Messages request needs, and how answers are framed on the
// wire (the Messages API's JSON and SSE, or a cloud provider's framing).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './error-responses';
import type { Lifecycle } from './lifecycle';
import type { MessageRequest } from './message-request';
import type { Decision } from './outcome-engine';
import type { PromptCache } from './prompt-cache';

export interface ResponderContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: MessageRequest;
  decision: Decision;
  requestId: string;
  lifecycle: Lifecycle;
  /** anthropic-ratelimit-* headers for a successful response. */
  rateLimitHeaders: Record<string, string>;
  /** The server's prompt cache. */
  promptCache: PromptCache;
  /** The credential the request presented; only the `echoCredential` fault uses it. */
  credential: string | undefined;
  /** How answers go on the wire; the Messages API's JSON and SSE when absent. */
  framing?: ResponseFraming;
}

/** One streaming event, named by its `type` as the API names its SSE events. */
export interface StreamEventData {
  type: string;
  [field: string]: unknown;
}

/** The wire shape of successful answers: the Messages API's, or a cloud provider's. */
export interface ResponseFraming {
  /** Headers of a streaming answer (status 200). */
  streamHeaders(ctx: ResponderContext): Record<string, string>;
  /** Headers of a JSON answer (status 200). */
  jsonHeaders(ctx: ResponderContext): Record<string, string>;
  /** One stream event, framed. */
  event(data: StreamEventData): string | Uint8Array;
  /** The error that ends a stream after HTTP 200, framed. */
  streamError(type: string, message: string, requestId: string): string | Uint8Array;
  /** A stream event whose data is not valid JSON and holds `secret` (the echoCredential fault). */
  brokenEvent?(secret: string): string | Uint8Array;
}

function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The Messages API's framing: JSON answers and server-sent events. */
export const SSE_FRAMING: ResponseFraming = {
  streamHeaders: (ctx) => ({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': ctx.requestId,
    ...ctx.rateLimitHeaders,
  }),
  jsonHeaders: (ctx) => ({ 'content-type': 'application/json', 'request-id': ctx.requestId, ...ctx.rateLimitHeaders }),
  event: (data) => sseEvent(data.type, data),
  streamError: (type, message, requestId) => sseEvent('error', errorBody(type, message, requestId)),
  brokenEvent: (secret) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${secret}\n\n`,
};

export function framingOf(ctx: ResponderContext): ResponseFraming {
  return ctx.framing ?? SSE_FRAMING;
}

export function clientGone(ctx: ResponderContext): boolean {
  return ctx.lifecycle.isClosed || ctx.res.destroyed || ctx.res.writableEnded;
}

export function writeStreamHeaders(ctx: ResponderContext): void {
  ctx.res.writeHead(200, framingOf(ctx).streamHeaders(ctx));
  ctx.res.flushHeaders();
}

/** The credential to leak, when the scenario asks for the echoCredential fault. */
export function echoedCredential(ctx: ResponderContext): string | undefined {
  return ctx.decision.behavior.echoCredential ? ctx.credential : undefined;
}
