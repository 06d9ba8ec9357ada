// Answers a Bedrock InvokeModel / InvokeModelWithResponseStream request for a
// decided outcome: the same answers and pacing as the Messages API, in
// Bedrock's framing (JSON, or AWS event-stream chunks carrying each Anthropic
// streaming event) and with Bedrock's errors and `x-amzn-*` headers.
import { chunkMessage, exceptionMessage } from './aws-event-stream';
import { bedrockErrorForOutcome, bedrockStreamException, sendBedrockError } from './bedrock-errors';
import { errorBody, sendHtml502 } from './error-responses';
import { clientGone, respondAnswer, respondStall } from './message-responder';
import type { ResponderContext, ResponseFraming } from './message-responder';

/** Bedrock's framing; `startedAt` feeds the invocation-latency header. */
export function bedrockFraming(startedAt: number): ResponseFraming {
  return {
    streamHeaders: (ctx) => ({
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': ctx.requestId,
      'x-amzn-bedrock-content-type': 'application/json',
    }),
    jsonHeaders: (ctx) => ({
      'content-type': 'application/json',
      'x-amzn-requestid': ctx.requestId,
      'x-amzn-bedrock-invocation-latency': String(Date.now() - startedAt),
      'x-amzn-bedrock-input-token-count': String(ctx.request.inputTokens),
    }),
    event: (data) => chunkMessage(data),
    streamError: (type, message, requestId) => {
      const exception = bedrockStreamException(type);
      if (exception === undefined) return chunkMessage(errorBody(type, message, requestId));
      return exceptionMessage(exception, { message });
    },
  };
}

/** Answers one Bedrock request according to `ctx.decision` (already recorded in stats); `ctx.framing` must be Bedrock's. */
export async function respondToBedrockMessage(ctx: ResponderContext): Promise<void> {
  const { req, res, request, decision, requestId, lifecycle } = ctx;
  const behavior = decision.behavior;
  await lifecycle.sleep(behavior.latencyMs);
  if (clientGone(ctx)) return;

  switch (decision.outcome) {
    case 'ok':
      return respondAnswer(ctx, false);
    case 'stall':
      return respondStall(ctx);
    case 'reset':
      req.socket.destroy();
      return;
    case 'html502':
      return sendHtml502(res, requestId);
    case 'midstream':
      if (request.stream) return respondAnswer(ctx, true);
      break;
    default:
      break;
  }
  const error = bedrockErrorForOutcome(decision.outcome, decision.requestsPerMinute !== undefined, behavior.midStreamErrorType);
  if (error) sendBedrockError(res, error, requestId);
}
