// The JSON shapes of an answer as the API sends them: the message object, its
// content blocks, usage, and the streaming events' block starts and deltas.
import type { AnswerPlan, PlannedBlock } from './answer-plan';
import type { CacheUsage } from './prompt-cache';

export function usageObject(cache: CacheUsage, outputTokens: number, thinkingTokens: number): Record<string, unknown> {
  return {
    input_tokens: cache.uncached,
    cache_creation_input_tokens: cache.creation5m + cache.creation1h,
    cache_read_input_tokens: cache.read,
    cache_creation: { ephemeral_5m_input_tokens: cache.creation5m, ephemeral_1h_input_tokens: cache.creation1h },
    output_tokens: outputTokens,
    output_tokens_details: thinkingTokens > 0 ? { thinking_tokens: thinkingTokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
    speed: null,
  };
}

/** The usage of a `message_delta` event (cumulative, as the API sends it). */
export function deltaUsageObject(cache: CacheUsage, outputTokens: number, thinkingTokens: number): Record<string, unknown> {
  return {
    input_tokens: cache.uncached,
    cache_creation_input_tokens: cache.creation5m + cache.creation1h,
    cache_read_input_tokens: cache.read,
    output_tokens: outputTokens,
    output_tokens_details: thinkingTokens > 0 ? { thinking_tokens: thinkingTokens } : null,
    server_tool_use: null,
  };
}

export function contentBlock(block: PlannedBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.deltas.join(''), citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input, caller: { type: 'direct' } };
  }
}

/** The `content_block` of a `content_block_start` event: the block with nothing in it yet. */
export function emptyContentBlock(block: PlannedBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: '', citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: '', signature: '' };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } };
  }
}

export function deltaOf(block: PlannedBlock, piece: string): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text_delta', text: piece };
    case 'thinking':
      return { type: 'thinking_delta', thinking: piece };
    case 'tool_use':
      return { type: 'input_json_delta', partial_json: piece };
  }
}

export function messageObject(
  id: string,
  model: string,
  plan: AnswerPlan | null,
  cache: CacheUsage,
  outputTokens: number,
): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: plan === null ? [] : plan.blocks.map(contentBlock),
    stop_reason: plan === null ? null : plan.stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: usageObject(cache, outputTokens, plan === null ? 0 : plan.thinkingTokens),
  };
}
