// Writes a Messages API answer for a decided outcome: the JSON message, the SSE
// stream (paced like a model), or the failure the scenario asked for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalTokens, splitTokens } from './canonical-answer';
import { STATUS_BY_ERROR_TYPE, errorBody, sendError, sendHtml502 } from './error-responses';
import { newMessageId } from './ids';
import type { Lifecycle } from './lifecycle';
import type { MessageRequest } from './message-request';
import type { Decision } from './outcome-engine';

export interface ResponderContext {
  req: IncomingMessage;
  res: ServerResponse;
  request: MessageRequest;
  decision: Decision;
  requestId: string;
  lifecycle: Lifecycle;
  /** anthropic-ratelimit-* headers for a successful response. */
  rateLimitHeaders: Record<string, string>;
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
};

function framingOf(ctx: ResponderContext): ResponseFraming {
  return ctx.framing ?? SSE_FRAMING;
}

export const MID_STREAM_MESSAGES: Record<string, string> = {
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  rate_limit_error: 'Rate limited',
  timeout_error: 'Stream timed out',
  invalid_request_error: 'Invalid request',
};

export interface Answer {
  tokens: string[];
  stopReason: 'end_turn' | 'max_tokens';
}

export function answerFor(request: MessageRequest, outputTokens: number): Answer {
  let tokens = canonicalTokens(request.lastUserText, outputTokens);
  if (request.prefill !== undefined) {
    const full = tokens.join('');
    if (full.startsWith(request.prefill)) tokens = splitTokens(full.slice(request.prefill.length));
  }
  if (tokens.length > request.maxTokens) return { tokens: tokens.slice(0, request.maxTokens), stopReason: 'max_tokens' };
  return { tokens, stopReason: 'end_turn' };
}

function usage(inputTokens: number, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
  };
}

export function messageObject(
  id: string,
  model: string,
  text: string | null,
  stopReason: string | null,
  inputTokens: number,
  outputTokens: number,
): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: text === null ? [] : [{ type: 'text', text, citations: null }],
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    usage: usage(inputTokens, outputTokens),
  };
}

export function clientGone(ctx: ResponderContext): boolean {
  return ctx.lifecycle.isClosed || ctx.res.destroyed || ctx.res.writableEnded;
}

function writeStreamHeaders(ctx: ResponderContext): void {
  ctx.res.writeHead(200, framingOf(ctx).streamHeaders(ctx));
  ctx.res.flushHeaders();
}

/** Streams `answer` (HTTP 200), ending with a mid-stream error after `failAfterTokens` deltas when set. */
export async function respondStream(ctx: ResponderContext, answer: Answer, failAfterTokens: number | undefined): Promise<void> {
  const { res, request, decision, lifecycle } = ctx;
  const framing = framingOf(ctx);
  const behavior = decision.behavior;
  writeStreamHeaders(ctx);
  const id = newMessageId();
  res.write(framing.event({ type: 'message_start', message: messageObject(id, request.model, null, null, request.inputTokens, 1) }));
  await lifecycle.sleep(behavior.ttftMs);
  if (clientGone(ctx)) return;
  res.write(framing.event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } }));
  res.write(framing.event({ type: 'ping' }));

  const tokensToSend = failAfterTokens === undefined ? answer.tokens.length : Math.min(failAfterTokens, answer.tokens.length);
  const started = Date.now();
  const msPerToken = 1000 / behavior.tokensPerSecond;
  for (let i = 0; i < tokensToSend; i++) {
    const due = started + i * msPerToken;
    const wait = due - Date.now();
    if (wait >= 1) {
      await lifecycle.sleep(wait);
      if (clientGone(ctx)) return;
    }
    res.write(framing.event({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: answer.tokens[i] } }));
  }

  if (failAfterTokens !== undefined) {
    const type = behavior.midStreamErrorType;
    res.end(framing.streamError(type, MID_STREAM_MESSAGES[type] ?? 'Error', ctx.requestId));
    return;
  }
  res.write(framing.event({ type: 'content_block_stop', index: 0 }));
  res.write(
    framing.event({
      type: 'message_delta',
      delta: { stop_reason: answer.stopReason, stop_sequence: null, stop_details: null, container: null },
      usage: {
        input_tokens: request.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: answer.tokens.length,
        server_tool_use: null,
      },
    }),
  );
  res.end(framing.event({ type: 'message_stop' }));
}

/** Answers `answer` as one JSON message (HTTP 200) after the time a model would take to write it. */
export async function respondJson(ctx: ResponderContext, answer: Answer): Promise<void> {
  const behavior = ctx.decision.behavior;
  await ctx.lifecycle.sleep(behavior.ttftMs + (answer.tokens.length * 1000) / behavior.tokensPerSecond);
  if (clientGone(ctx)) return;
  const message = messageObject(
    newMessageId(),
    ctx.request.model,
    answer.tokens.join(''),
    answer.stopReason,
    ctx.request.inputTokens,
    answer.tokens.length,
  );
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  const text = JSON.stringify(message);
  ctx.res.writeHead(200, { ...framingOf(ctx).jsonHeaders(ctx), 'content-length': String(Buffer.byteLength(text)) });
  ctx.res.end(text);
}

/** Sends the headers of a 200 answer, then nothing, until the client leaves or the simulator closes. */
export function respondStall(ctx: ResponderContext): void {
  if (ctx.request.stream) {
    writeStreamHeaders(ctx);
  } else {
    ctx.res.writeHead(200, framingOf(ctx).jsonHeaders(ctx));
    ctx.res.flushHeaders();
  }
}

function rateLimitMessage(rpm: number | undefined): string {
  if (rpm === undefined) return 'This request would exceed your rate limit. Please try again later.';
  return `This request would exceed the rate limit for your organization of ${rpm} requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.`;
}

/** Answers one Messages request according to `ctx.decision` (already recorded in stats). */
export async function respondToMessage(ctx: ResponderContext): Promise<void> {
  const { req, res, request, decision, requestId, lifecycle } = ctx;
  const behavior = decision.behavior;
  await lifecycle.sleep(behavior.latencyMs);
  if (clientGone(ctx)) return;

  switch (decision.outcome) {
    case 'ok': {
      const answer = answerFor(request, behavior.outputTokens);
      return request.stream ? respondStream(ctx, answer, undefined) : respondJson(ctx, answer);
    }
    case 'midstream': {
      if (!request.stream) {
        const type = behavior.midStreamErrorType;
        return sendError(res, STATUS_BY_ERROR_TYPE[type] ?? 500, MID_STREAM_MESSAGES[type] ?? 'Error', requestId, { type });
      }
      const answer = answerFor(request, behavior.outputTokens);
      return respondStream(ctx, answer, behavior.midStreamAfterTokens);
    }
    case 'stall':
      return respondStall(ctx);
    case 'reset':
      req.socket.destroy();
      return;
    case 'html502':
      return sendHtml502(res, requestId);
    case '529':
      return sendError(res, 529, 'Overloaded', requestId);
    case '429':
      return sendError(res, 429, rateLimitMessage(decision.requestsPerMinute), requestId, {
        headers: {
          'retry-after': String(Math.ceil(decision.retryAfterS)),
          ...(decision.requestsPerMinute !== undefined
            ? { 'anthropic-ratelimit-requests-limit': String(decision.requestsPerMinute), 'anthropic-ratelimit-requests-remaining': '0' }
            : {}),
        },
      });
    case 'spend':
      return sendError(
        res,
        429,
        'You have reached your specified workspace API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.',
        requestId,
        { details: { error_code: 'enforced_spend_limit_reached' } },
      );
    case '500':
      return sendError(res, 500, 'Internal server error', requestId);
    case '502':
      return sendError(res, 502, 'Bad gateway', requestId);
    case '503':
      return sendError(res, 503, 'Service temporarily unavailable', requestId);
    case '504':
      return sendError(res, 504, 'Request timed out', requestId);
    case '401':
      return sendError(res, 401, 'invalid x-api-key', requestId);
    case '404':
      return sendError(res, 404, `model: ${request.model}`, requestId);
    case '413':
      return sendError(res, 413, 'Request exceeds the maximum allowed number of bytes.', requestId);
  }
}
