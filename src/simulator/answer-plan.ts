// What the simulated model answers, block by block, before any of it goes on
// the wire: an optional thinking block, text, and tool calls. Deterministic
// for a given request (tool-use ids aside), so tests can assert every word.
import { canonicalAnswer, splitTokens } from './canonical-answer';
import type { Json } from './content-blocks';
import { newToolUseId } from './ids';
import type { MessageRequest, ToolResultInfo } from './message-request';
import { signThinking } from './thinking-signature';
import { plannedToolCalls, toolUseForced } from './tool-calls';

export type PlannedBlock =
  | { type: 'thinking'; thinking: string; signature: string; deltas: string[] }
  | { type: 'text'; deltas: string[] }
  | { type: 'tool_use'; id: string; name: string; input: Json; deltas: string[] };

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use';

export interface AnswerPlan {
  blocks: PlannedBlock[];
  stopReason: StopReason;
  outputTokens: number;
  thinkingTokens: number;
}

export interface PlanBehavior {
  outputTokens: number;
  useTools: boolean;
  thinkingTokens: number;
}

const THINKING_WORDS_PER_DELTA = 4;
const RESULT_EXCERPT_CHARS = 200;

function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The sentence a tool-result answer opens with, one per result. */
export function toolResultSentence(result: Pick<ToolResultInfo, 'name' | 'text' | 'isError'>): string {
  const excerpt = result.text.replace(/\s+/g, ' ').trim().slice(0, RESULT_EXCERPT_CHARS);
  if (excerpt === '') return result.isError ? `The ${result.name} tool failed.` : `The ${result.name} tool returned nothing.`;
  return result.isError ? `The ${result.name} tool failed: "${excerpt}".` : `The ${result.name} tool returned "${excerpt}".`;
}

/** The sentence an answer to images or documents opens with. */
export function attachmentSentence(images: number, documents: number): string {
  const parts = [images > 0 ? plural(images, 'image') : '', documents > 0 ? plural(documents, 'document') : ''].filter(Boolean);
  return `I see ${parts.join(' and ')}.`;
}

/** The full text of a text answer (before prefill and max_tokens). */
function answerText(request: MessageRequest, words: number): string {
  if (request.toolResults.length > 0) {
    const seed = request.lastUserText || request.toolResults.map((r) => r.text).join('\n');
    return `${request.toolResults.map(toolResultSentence).join(' ')} ${canonicalAnswer(seed, words)}`;
  }
  if (request.images > 0 || request.documents > 0) {
    return `${attachmentSentence(request.images, request.documents)} ${canonicalAnswer(request.lastUserText, words)}`;
  }
  return canonicalAnswer(request.lastUserText, words);
}

function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Partial JSON deltas of a tool input: at least three when the JSON allows, at most 8 characters each. */
export function jsonDeltas(json: string): string[] {
  return chunk(json, Math.max(1, Math.min(8, Math.ceil(json.length / 3))));
}

function thinkingBlock(request: MessageRequest, words: number): PlannedBlock {
  const seed = `thinking:${request.lastUserText || request.toolResults.map((r) => r.text).join('\n')}`;
  const thinking = request.thinking!.omitted ? '' : canonicalAnswer(seed, words);
  const tokens = splitTokens(thinking);
  const deltas: string[] = [];
  for (let i = 0; i < tokens.length; i += THINKING_WORDS_PER_DELTA) deltas.push(tokens.slice(i, i + THINKING_WORDS_PER_DELTA).join(''));
  return { type: 'thinking', thinking, signature: signThinking(thinking), deltas };
}

export function planAnswer(request: MessageRequest, behavior: PlanBehavior): AnswerPlan {
  const blocks: PlannedBlock[] = [];
  let thinkingTokens = 0;
  if (request.thinking && !request.prefillHasThinking) {
    const block = thinkingBlock(request, behavior.thinkingTokens);
    blocks.push(block);
    thinkingTokens = behavior.thinkingTokens;
  }

  const calls = plannedToolCalls(request, behavior.useTools);
  let text: string;
  if (calls.length > 0) {
    text = toolUseForced(request) ? '' : `I will use the ${listOf([...new Set(calls.map((c) => c.name))])} tool${new Set(calls.map((c) => c.name)).size > 1 ? 's' : ''}.`;
  } else {
    text = answerText(request, behavior.outputTokens);
  }
  if (request.prefill !== undefined && text.startsWith(request.prefill)) text = text.slice(request.prefill.length);
  let textTokens = splitTokens(text);

  let stopReason: StopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  if (textTokens.length > request.maxTokens) {
    textTokens = textTokens.slice(0, request.maxTokens);
    stopReason = 'max_tokens';
  }
  if (textTokens.length > 0 || (calls.length === 0 && blocks.length === 0)) blocks.push({ type: 'text', deltas: textTokens });
  let outputTokens = thinkingTokens + textTokens.length;
  if (stopReason === 'tool_use') {
    for (const c of calls) {
      const json = JSON.stringify(c.input);
      blocks.push({ type: 'tool_use', id: newToolUseId(), name: c.name, input: c.input, deltas: jsonDeltas(json) });
      outputTokens += Math.ceil(json.length / 4) + 1;
    }
  }
  return { blocks, stopReason, outputTokens: Math.max(1, outputTokens), thinkingTokens };
}
