// Streams a planned answer as the API does: message_start at once, pings while
// the model prefills (and during pauses), then each block's start, deltas and
// stop at the model's pace, message_delta and message_stop — or a mid-stream
// error event at the chosen point.
import type { AnswerPlan, PlannedBlock } from './answer-plan';
import { newMessageId } from './ids';
import { deltaOf, deltaUsageObject, emptyContentBlock, messageObject } from './message-shapes';
import type { ResponderContext } from './responder-context';
import { clientGone, echoedCredential, framingOf, writeStreamHeaders } from './responder-context';
import type { CacheUsage } from './prompt-cache';
import type { MidStreamBlock } from './scenario-types';

export const MID_STREAM_MESSAGES: Record<string, string> = {
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  rate_limit_error: 'Rate limited',
  timeout_error: 'Stream timed out',
  invalid_request_error: 'Invalid request',
};

/** Where a mid-stream error cuts: after `after` deltas of block `index`. */
export interface StreamCut {
  index: number;
  after: number;
}

/** The first block of the wanted type (else the first text block, else the first block). */
export function cutFor(plan: AnswerPlan, block: MidStreamBlock, after: number): StreamCut {
  let index = plan.blocks.findIndex((b) => b.type === block);
  if (index < 0) index = plan.blocks.findIndex((b) => b.type === 'text');
  return { index: Math.max(0, index), after };
}

/** Time from message_start to the first content: ttftMs plus the per-input-token prefill, capped. */
export function firstTokenDelayMs(ctx: ResponderContext): number {
  const behavior = ctx.decision.behavior;
  const delay = behavior.ttftMs + behavior.ttftPerInputTokenMs * ctx.request.inputTokens;
  return behavior.ttftMaxMs === undefined ? delay : Math.min(delay, behavior.ttftMaxMs);
}

/** Waits `ms`, writing a ping every pingIntervalMs meanwhile; false when the client left. */
async function waitWithPings(ctx: ResponderContext, ms: number): Promise<boolean> {
  const interval = ctx.decision.behavior.pingIntervalMs;
  let remaining = ms;
  while (remaining > 0) {
    const step = Math.min(remaining, interval);
    await ctx.lifecycle.sleep(step);
    if (clientGone(ctx)) return false;
    remaining -= step;
    if (remaining > 0) ctx.res.write(framingOf(ctx).event({ type: 'ping' }));
  }
  return !clientGone(ctx);
}

function endWithError(ctx: ResponderContext): void {
  const type = ctx.decision.behavior.midStreamErrorType;
  const secret = echoedCredential(ctx);
  ctx.res.end(
    framingOf(ctx).streamError(secret ?? type, secret !== undefined ? `Overloaded (${secret})` : (MID_STREAM_MESSAGES[type] ?? 'Error'), ctx.requestId),
  );
}

/** Streams `plan` (HTTP 200), ending with a mid-stream error at `cut` when set. */
export async function respondStream(ctx: ResponderContext, plan: AnswerPlan, cache: CacheUsage, cut: StreamCut | undefined): Promise<void> {
  const { res, request, decision } = ctx;
  const framing = framingOf(ctx);
  const behavior = decision.behavior;
  writeStreamHeaders(ctx);
  res.write(framing.event({ type: 'message_start', message: messageObject(newMessageId(), request.model, null, cache, 1) }));
  if (!(await waitWithPings(ctx, firstTokenDelayMs(ctx)))) return;

  const secret = echoedCredential(ctx);
  if (secret !== undefined && framing.brokenEvent && cut === undefined) {
    res.write(framing.event({ type: 'content_block_start', index: 0, content_block: emptyContentBlock(plan.blocks[0]!) }));
    res.end(framing.brokenEvent(secret));
    return;
  }

  let sent = 0;
  let started = Date.now();
  const msPerToken = 1000 / behavior.tokensPerSecond;
  const pace = async (): Promise<boolean> => {
    if (behavior.pauseAfterTokens !== undefined && sent === behavior.pauseAfterTokens && behavior.pauseMs > 0) {
      if (!(await waitWithPings(ctx, behavior.pauseMs))) return false;
      started += behavior.pauseMs;
    }
    const wait = started + sent * msPerToken - Date.now();
    if (wait >= 1) {
      await ctx.lifecycle.sleep(wait);
      if (clientGone(ctx)) return false;
    }
    return true;
  };

  for (let index = 0; index < plan.blocks.length; index++) {
    const block: PlannedBlock = plan.blocks[index]!;
    res.write(framing.event({ type: 'content_block_start', index, content_block: emptyContentBlock(block) }));
    if (index === 0) res.write(framing.event({ type: 'ping' }));
    for (let k = 0; k < block.deltas.length; k++) {
      if (cut && cut.index === index && k === cut.after) return endWithError(ctx);
      if (!(await pace())) return;
      res.write(framing.event({ type: 'content_block_delta', index, delta: deltaOf(block, block.deltas[k]!) }));
      sent++;
    }
    if (cut && cut.index === index) return endWithError(ctx);
    if (block.type === 'thinking') {
      res.write(framing.event({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
    }
    res.write(framing.event({ type: 'content_block_stop', index }));
  }
  res.write(
    framing.event({
      type: 'message_delta',
      delta: { stop_reason: plan.stopReason, stop_sequence: null, stop_details: null, container: null },
      usage: deltaUsageObject(cache, plan.outputTokens, plan.thinkingTokens),
    }),
  );
  const stop = framing.event({ type: 'message_stop' });
  if (behavior.keepOpenAfterStop) res.write(stop);
  else if (behavior.endAfterStopMs > 0) {
    res.write(stop);
    await ctx.lifecycle.sleep(behavior.endAfterStopMs);
    if (!clientGone(ctx)) res.end();
  } else res.end(stop);
}
