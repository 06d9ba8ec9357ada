// Keeps a request valid for the model a route serves. The caller wrote it for
// the primary, which gets it unchanged; a fallback may offer less output, or no
// extended thinking. Beyond that only what the API itself refused (thinking, learnt
// from a 400) or a continuation needs is changed. What is changed is said in plain
// words (the outcome's `adaptations`, a warning event).
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { MessagesBody } from './types';
import { knownWithoutThinking, maxOutputOf } from './models';

const MIN_THINKING_BUDGET = 1024;

export interface AdaptedBody {
  readonly body: MessagesBody;
  readonly notes: readonly string[];
}

/** Thinking blocks of earlier turns mean nothing to a request without thinking: leave them out. */
function withoutThinkingBlocks(messages: readonly MessageParam[]): MessageParam[] {
  return messages.map((message): MessageParam => {
    if (message.role === 'system' || typeof message.content === 'string') return message;
    const kept = message.content.filter((block) => block.type !== 'thinking' && block.type !== 'redacted_thinking');
    return kept.length === message.content.length ? message : { ...message, content: kept.length > 0 ? kept : '' };
  });
}

export function dropThinking(body: MessagesBody): MessagesBody {
  const { thinking: _dropped, ...rest } = body;
  void _dropped;
  return { ...rest, messages: withoutThinkingBlocks(body.messages) };
}

function thinkingBudget(body: MessagesBody): number | null {
  const thinking = body.thinking;
  return thinking && thinking.type === 'enabled' ? thinking.budget_tokens : null;
}

/**
 * The body for `model`. `refusesThinking` is what this manager learnt at run time (a model that
 * answered 400 to thinking); `forceNoThinking` is set for a continuation, which cannot carry thinking.
 */
export function adaptRequest(body: MessagesBody, model: string, refusesThinking: boolean, forceNoThinking = false, asFallback = true): AdaptedBody {
  const notes: string[] = [];
  let out: MessagesBody = body;
  const maxOutput = asFallback ? maxOutputOf(model) : null;
  if (maxOutput !== null && out.max_tokens > maxOutput) {
    out = { ...out, max_tokens: maxOutput };
    notes.push(`max_tokens lowered to ${maxOutput} for ${model}`);
  }
  const budget = thinkingBudget(out);
  if (out.thinking !== undefined && out.thinking.type !== 'disabled') {
    if (forceNoThinking) {
      out = dropThinking(out);
      notes.push('thinking turned off to continue the interrupted answer');
    } else if (refusesThinking || (asFallback && knownWithoutThinking(model))) {
      out = dropThinking(out);
      notes.push(`extended thinking dropped: ${model} does not support it`);
    } else if (asFallback && budget !== null && budget >= out.max_tokens) {
      const fitted = out.max_tokens - 1;
      if (fitted < MIN_THINKING_BUDGET) {
        out = dropThinking(out);
        notes.push(`extended thinking dropped: max_tokens ${out.max_tokens} leaves no room for it on ${model}`);
      } else {
        out = { ...out, thinking: { type: 'enabled', budget_tokens: fitted } };
        notes.push(`thinking budget lowered to ${fitted} tokens for ${model}`);
      }
    }
  }
  return { body: out, notes };
}
