// Writes a Messages API answer for a decided outcome: the JSON message, the SSE
// stream (paced like a model), or the failure the scenario asked for.
import { planAnswer } from './answer-plan';
import type { AnswerPlan } from './answer-plan';
import { STATUS_BY_ERROR_TYPE, sendError, sendHtml502 } from './error-responses';
import { newMessageId } from './ids';
import { messageObject } from './message-shapes';
import type { CacheUsage } from './prompt-cache';
import { clientGone, echoedCredential, framingOf, writeStreamHeaders } from './responder-context';
import type { ResponderContext } from './responder-context';
import { MID_STREAM_MESSAGES, cutFor, firstTokenDelayMs, respondStream } from './stream-writer';
import { recordingFor, respondRecorded } from './recorded-stream';

export type { ResponderContext, ResponseFraming, StreamEventData } from './responder-context';
export { SSE_FRAMING, clientGone } from './responder-context';
export { MID_STREAM_MESSAGES } from './stream-writer';

export function planFor(ctx: ResponderContext): AnswerPlan {
  return planAnswer(ctx.request, ctx.decision.behavior);
}

/** Reads and writes the prompt cache for this request (only answers that the model starts use it). */
export function cacheUsageFor(ctx: ResponderContext): CacheUsage {
  const { request, decision } = ctx;
  return ctx.promptCache.use(request.model, request.segments, request.inputTokens, decision.behavior.cacheMinTokens);
}

/** Answers `plan` as one JSON message (HTTP 200) after the time a model would take to write it. */
export async function respondJson(ctx: ResponderContext, plan: AnswerPlan): Promise<void> {
  const behavior = ctx.decision.behavior;
  const deltas = plan.blocks.reduce((n, b) => n + b.deltas.length, 0);
  await ctx.lifecycle.sleep(firstTokenDelayMs(ctx) + (deltas * 1000) / behavior.tokensPerSecond);
  if (clientGone(ctx) || ctx.res.headersSent) return;
  const cache = cacheUsageFor(ctx);
  const secret = echoedCredential(ctx);
  const text = secret !== undefined ? `{"type":"message","id":"${secret}` : JSON.stringify(messageObject(newMessageId(), ctx.request.model, plan, cache, plan.outputTokens));
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

/** Streams or answers in JSON, for outcomes `ok` and `midstream` (the latter cut as the scenario says). */
export function respondAnswer(ctx: ResponderContext, midstream: boolean): Promise<void> {
  const recording = recordingFor(ctx);
  if (recording !== null) return respondRecorded(ctx, recording, midstream);
  const plan = planFor(ctx);
  if (!ctx.request.stream) return respondJson(ctx, plan);
  const behavior = ctx.decision.behavior;
  const cut = midstream ? cutFor(plan, behavior.midStreamBlock, behavior.midStreamAfterTokens) : undefined;
  return respondStream(ctx, plan, cacheUsageFor(ctx), cut);
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
  const secret = echoedCredential(ctx);
  const fail = (status: number, message: string, options: Parameters<typeof sendError>[4] = {}): void =>
    sendError(res, status, secret !== undefined ? `${message} (${secret})` : message, requestId, secret !== undefined ? { ...options, type: secret } : options);

  switch (decision.outcome) {
    case 'ok':
      return respondAnswer(ctx, false);
    case 'midstream': {
      if (!request.stream) {
        const type = behavior.midStreamErrorType;
        return fail(STATUS_BY_ERROR_TYPE[type] ?? 500, MID_STREAM_MESSAGES[type] ?? 'Error', { type });
      }
      return respondAnswer(ctx, true);
    }
    case 'stall':
      return respondStall(ctx);
    case 'reset':
      req.socket.destroy();
      return;
    case 'html502':
      return sendHtml502(res, requestId);
    case '529':
      return fail(529, 'Overloaded');
    case '429':
      return fail(429, rateLimitMessage(decision.requestsPerMinute), {
        headers: {
          'retry-after': String(Math.ceil(decision.retryAfterS)),
          ...(decision.requestsPerMinute !== undefined
            ? { 'anthropic-ratelimit-requests-limit': String(decision.requestsPerMinute), 'anthropic-ratelimit-requests-remaining': '0' }
            : {}),
        },
      });
    case 'spend':
      return fail(429, 'You have reached your specified workspace API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.', {
        details: { error_code: 'enforced_spend_limit_reached' },
      });
    case '500':
      return fail(500, 'Internal server error');
    case '502':
      return fail(502, 'Bad gateway');
    case '503':
      return fail(503, 'Service temporarily unavailable');
    case '504':
      return fail(504, 'Request timed out');
    case '401':
      return fail(401, 'invalid x-api-key');
    case '404':
      return fail(404, `model: ${request.model}`);
    case '413':
      return fail(413, 'Request exceeds the maximum allowed number of bytes.');
  }
}
