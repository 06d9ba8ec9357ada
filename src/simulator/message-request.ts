// Validates a Messages API request body the way the API does, returning either
// the fields the simulator needs or an invalid_request_error message.
import { isObject, parseCacheControl, parseContent, textOf } from './content-blocks';
import type { BlockInfo, PromptSegment, Validated } from './content-blocks';
import { signatureMatches } from './thinking-signature';
import { parseToolChoice, parseTools } from './tool-request';
import type { ToolChoice, ToolSpec } from './tool-request';

export type { Validated } from './content-blocks';

export interface ThinkingRequest {
  kind: 'enabled' | 'adaptive';
  budgetTokens: number | undefined;
  /** `display: "omitted"`: thinking blocks carry a signature and no text. */
  omitted: boolean;
}

export interface ToolResultInfo {
  toolUseId: string;
  /** The name of the tool whose call it answers. */
  name: string;
  text: string;
  isError: boolean;
}

export interface MessageRequest {
  model: string;
  maxTokens: number;
  stream: boolean;
  /** Text of the last user message: the canonical answer is derived from it. */
  lastUserText: string;
  /** Text of a trailing assistant message (prefill), or undefined. */
  prefill: string | undefined;
  /** The trailing assistant message starts with a thinking block. */
  prefillHasThinking: boolean;
  /** A rough input token count (about four characters per token; images and PDFs a fixed cost). */
  inputTokens: number;
  tools: ToolSpec[];
  toolChoice: ToolChoice | undefined;
  thinking: ThinkingRequest | undefined;
  /** tool_result blocks of the last user message. */
  toolResults: ToolResultInfo[];
  /** Image and document blocks in the last user message. */
  images: number;
  documents: number;
  /** The prompt in order (tools, system, messages), for token counts and the prompt cache. */
  segments: PromptSegment[];
}

export interface ParseOptions {
  /** Vertex and Bedrock name the model in the URL instead of the body. */
  modelFromPath?: string;
  /** count_tokens: no max_tokens, so no budget check against it. */
  counting?: boolean;
}

const DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';
const USER_BLOCKS = ['text', 'image', 'document', 'search_result', 'tool_result'];
const MAX_CACHE_BREAKPOINTS = 4;

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

export function tokensOf(segments: readonly PromptSegment[]): number {
  let chars = 0;
  let fixed = 0;
  for (const s of segments) {
    chars += s.chars;
    fixed += s.fixedTokens;
  }
  return Math.ceil(chars / 4) + fixed;
}

function parseThinking(value: unknown, maxTokens: number, counting: boolean): Validated<ThinkingRequest | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (!isObject(value)) return fail('thinking: Input should be a valid dictionary');
  const type = value['type'];
  const display = value['display'];
  if (display !== undefined && display !== null && display !== 'summarized' && display !== 'omitted') {
    return fail(`thinking.${String(type)}.display: Input should be 'summarized' or 'omitted'`);
  }
  switch (type) {
    case 'disabled':
    case 'between_tools':
      return { ok: true, value: undefined };
    case 'adaptive':
      return { ok: true, value: { kind: 'adaptive', budgetTokens: undefined, omitted: display === 'omitted' } };
    case 'enabled': {
      const budget = value['budget_tokens'];
      if (budget === undefined) return fail('thinking.enabled.budget_tokens: Field required');
      if (typeof budget !== 'number' || !Number.isInteger(budget)) return fail('thinking.enabled.budget_tokens: Input should be a valid integer');
      if (budget < 1024) return fail('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      if (!counting && budget >= maxTokens) {
        return fail(`\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${DOCS}#max-tokens-and-context-window-size`);
      }
      return { ok: true, value: { kind: 'enabled', budgetTokens: budget, omitted: display === 'omitted' } };
    }
    default:
      return fail(`thinking: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive', 'between_tools'`);
  }
}

interface ParsedMessage {
  role: 'user' | 'assistant' | 'system';
  blocks: BlockInfo[];
}

/** tool_use / tool_result pairing between neighbouring turns, as the API checks it. */
function checkToolPairing(messages: readonly ParsedMessage[]): Validated<null> {
  const seen = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const uses = message.blocks.flatMap((b) => (b.toolUse ? [b.toolUse.id] : []));
    for (const id of uses) {
      if (seen.has(id)) return fail(`messages.${i}: \`tool_use\` ids must be unique; ${id} appears more than once`);
      seen.add(id);
    }
    if (uses.length > 0 && i < messages.length - 1) {
      const next = messages[i + 1]!;
      const answered = new Set(next.role === 'user' ? next.blocks.flatMap((b) => (b.toolResult ? [b.toolResult.toolUseId] : [])) : []);
      const missing = uses.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return fail(
          `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
    const results = message.blocks.filter((b) => b.toolResult);
    if (results.length === 0) continue;
    const previous = i > 0 ? messages[i - 1]! : undefined;
    const offered = new Set(previous?.role === 'assistant' ? previous.blocks.flatMap((b) => (b.toolUse ? [b.toolUse.id] : [])) : []);
    for (let k = 0; k < message.blocks.length; k++) {
      const result = message.blocks[k]!.toolResult;
      if (result && !offered.has(result.toolUseId)) {
        return fail(
          `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${result.toolUseId}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
    }
    const firstOther = message.blocks.findIndex((b) => !b.toolResult);
    const lastResult = message.blocks.map((b) => Boolean(b.toolResult)).lastIndexOf(true);
    if (firstOther >= 0 && firstOther < lastResult) {
      return fail(`messages.${i}.content: tool_result blocks must come first in the content array, before any other content block`);
    }
  }
  return { ok: true, value: null };
}

/** With thinking on: the assistant turn that is being continued must start with a (valid) thinking block. */
function checkThinkingTurns(messages: readonly ParsedMessage[]): Validated<null> {
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== 'assistant') continue;
    for (const block of message.blocks) {
      if (block.thinking && !signatureMatches(block.thinking.text, block.thinking.signature)) {
        return fail(`${block.thinking.path}: Invalid \`signature\` in \`thinking\` block`);
      }
    }
  }
  const last = messages.length - 1;
  let turn: number | undefined;
  if (messages[last]?.role === 'assistant') turn = last;
  else if (messages[last]?.blocks.some((b) => b.toolResult) && messages[last - 1]?.role === 'assistant') turn = last - 1;
  if (turn === undefined) return { ok: true, value: null };
  const first = messages[turn]!.blocks[0];
  if (first && first.type !== 'thinking' && first.type !== 'redacted_thinking') {
    return fail(
      `messages.${turn}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${DOCS}`,
    );
  }
  return { ok: true, value: null };
}

function parseMessages(messages: unknown[]): Validated<ParsedMessage[]> {
  const parsed: ParsedMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) return fail(`messages.${i}: Input should be a valid dictionary`);
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      return fail(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    if (message['content'] === undefined) return fail(`messages.${i}.content: Field required`);
    const allowed = role === 'user' ? USER_BLOCKS : role === 'system' ? ['text'] : undefined;
    const blocks = parseContent(message['content'], `messages.${i}.content`, allowed);
    if (!blocks.ok) return blocks;
    if (role === 'user' && blocks.value.some((b) => b.toolUse || b.thinking)) {
      return fail(`messages.${i}.content: tool_use and thinking blocks can only be in assistant messages`);
    }
    const empty = blocks.value.length === 0 || (blocks.value.length === 1 && blocks.value[0]!.text === '');
    const finalAssistant = role === 'assistant' && i === messages.length - 1;
    if (empty && !finalAssistant) return fail(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    parsed.push({ role, blocks: blocks.value });
  }
  return { ok: true, value: parsed };
}

export function parseMessageRequest(body: unknown, options: ParseOptions = {}): Validated<MessageRequest> {
  if (!isObject(body)) return fail('Request body must be a JSON object');
  const model = options.modelFromPath ?? body['model'];
  if (model === undefined) return fail('model: Field required');
  if (typeof model !== 'string' || model.length === 0) return fail('model: Input should be a valid string');
  const maxTokens = options.counting && body['max_tokens'] === undefined ? 1 : body['max_tokens'];
  if (maxTokens === undefined) return fail('max_tokens: Field required');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return fail('max_tokens: Input should be a valid integer greater than or equal to 1');
  }
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') return fail('stream: Input should be a valid boolean');
  const temperature = body['temperature'];
  if (temperature !== undefined && temperature !== null && (typeof temperature !== 'number' || temperature < 0 || temperature > 1)) {
    return fail('temperature: Input should be a number between 0 and 1');
  }
  const messages = body['messages'];
  if (messages === undefined) return fail('messages: Field required');
  if (!Array.isArray(messages)) return fail('messages: Input should be a valid list');
  if (messages.length === 0) return fail('messages: at least one message is required');

  const tools = parseTools(body['tools']);
  if (!tools.ok) return tools;
  const toolChoice = parseToolChoice(body['tool_choice'], tools.value.tools);
  if (!toolChoice.ok) return toolChoice;
  const thinking = parseThinking(body['thinking'], maxTokens, options.counting === true);
  if (!thinking.ok) return thinking;
  if (thinking.value && (toolChoice.value?.type === 'any' || toolChoice.value?.type === 'tool')) {
    return fail('Thinking may not be enabled when tool_choice forces tool use.');
  }
  if (thinking.value && typeof temperature === 'number' && temperature !== 1) {
    return fail(`\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${DOCS}#feature-compatibility`);
  }

  const segments: PromptSegment[] = [...tools.value.segments];
  const system = body['system'];
  if (system !== undefined && system !== null) {
    const blocks = parseContent(system, 'system', ['text']);
    if (!blocks.ok) return blocks;
    segments.push(...blocks.value.map((b) => b.segment));
  }
  const parsed = parseMessages(messages);
  if (!parsed.ok) return parsed;
  for (const message of parsed.value) segments.push(...message.blocks.map((b) => b.segment));

  const automatic = parseCacheControl(body['cache_control'], '');
  if (!automatic.ok) return automatic;
  if (automatic.value && segments.length > 0 && segments[segments.length - 1]!.cache === undefined) {
    segments[segments.length - 1] = { ...segments[segments.length - 1]!, cache: automatic.value };
  }
  const breakpoints = segments.filter((s) => s.cache).length;
  if (breakpoints > MAX_CACHE_BREAKPOINTS) return fail(`A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);

  const pairing = checkToolPairing(parsed.value);
  if (!pairing.ok) return pairing;
  if (thinking.value) {
    const turns = checkThinkingTurns(parsed.value);
    if (!turns.ok) return turns;
  }

  const lastUserIndex = parsed.value.map((m) => m.role).lastIndexOf('user');
  if (lastUserIndex < 0) return fail('messages: at least one user message is required');
  const lastUser = parsed.value[lastUserIndex]!;
  const toolNames = new Map<string, string>();
  for (const block of parsed.value[lastUserIndex - 1]?.blocks ?? []) {
    if (block.toolUse) toolNames.set(block.toolUse.id, block.toolUse.name);
  }

  const last = parsed.value[parsed.value.length - 1]!;
  let prefill: string | undefined;
  let prefillHasThinking = false;
  if (last.role === 'assistant') {
    prefill = textOf(last.blocks);
    if (/\s$/.test(prefill)) return fail('messages: final assistant content cannot end with trailing whitespace');
    prefillHasThinking = last.blocks[0]?.type === 'thinking' || last.blocks[0]?.type === 'redacted_thinking';
  }

  return {
    ok: true,
    value: {
      model,
      maxTokens,
      stream: stream === true,
      lastUserText: textOf(lastUser.blocks),
      prefill,
      prefillHasThinking,
      inputTokens: Math.max(1, tokensOf(segments)),
      tools: tools.value.tools,
      toolChoice: toolChoice.value,
      thinking: thinking.value,
      toolResults: lastUser.blocks.flatMap((b) =>
        b.toolResult ? [{ ...b.toolResult, name: toolNames.get(b.toolResult.toolUseId) ?? 'tool' }] : [],
      ),
      images: lastUser.blocks.filter((b) => b.type === 'image').length,
      documents: lastUser.blocks.filter((b) => b.type === 'document').length,
      segments,
    },
  };
}
