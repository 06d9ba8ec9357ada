// VS Code's language model messages → a Messages API body (pure; see partShapes.ts).
//
// - user/assistant messages keep their order; consecutive messages of one role merge (the API
//   wants alternating turns); system messages (role 3, as Copilot's agent sends them) become
//   the `system` blocks, in order.
// - text → text block (empty text dropped: the API rejects it); tool call → tool_use with
//   its input; tool result → tool_result (first in its user message, as the API requires) with
//   its text and images; image data parts (png, jpeg, gif, webp, typed by their bytes) → base64 image blocks; PDF →
//   document block; text/JSON data → text; a `cache_control` data part (Copilot's marker)
//   puts an ephemeral cache breakpoint on the block before it. Anything else is left out and
//   named in `omitted`, never sent as garbage.
// - a tool_result whose tool_use is not in the conversation becomes plain text; a tool_use
//   left without a result in the next user message gets an error result, so the API accepts
//   a conversation another model or a trimmed history produced.
import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { ROLE_ASSISTANT, ROLE_SYSTEM, isDataPart, isOpaqueValuePart, isTextPart, isToolCallPart, isToolResultPart } from './partShapes';
import type { DataPartShape, RequestMessageShape } from './partShapes';
import { sniffImageType } from './imageType';
import { ToolCallIds } from './toolCallIds';

/** A tool as VS Code describes it (`vscode.LanguageModelChatTool`). */
export interface ToolShape {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

export interface RequestOptionsShape {
  readonly tools?: readonly ToolShape[] | undefined;
  /** `vscode.LanguageModelChatToolMode`: 1 auto, 2 required. */
  readonly toolMode?: number | undefined;
  readonly modelOptions?: { readonly [name: string]: unknown } | undefined;
}

/** The body the provider sends (the model is chosen by the manager's chain, so none here). */
export interface ConvertedBody {
  readonly messages: MessageParam[];
  readonly system?: TextBlockParam[];
  readonly tools?: Tool[];
  readonly tool_choice?: ToolChoice;
  readonly max_tokens: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly top_k?: number;
  readonly stop_sequences?: string[];
}

export interface Conversion {
  readonly body: ConvertedBody;
  /** What could not be sent, one short phrase each (for the log). */
  readonly omitted: readonly string[];
}

const TOOL_MODE_REQUIRED = 2;
/** Copilot's own markers carried as data parts; they are not content. */
const MARKER_TYPES = new Set(['stateful_marker', 'thinking', 'context_management', 'phase_data', 'token_usage', 'usage']);
const CACHE_CONTROL = 'cache_control';
const decoder = new TextDecoder();

type Role = 'user' | 'assistant';

interface Turn {
  role: Role;
  blocks: ContentBlockParam[];
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function normaliseMime(mime: string): string {
  const m = mime.toLowerCase().split(';')[0]!.trim();
  return m === 'image/jpg' ? 'image/jpeg' : m;
}

function text(value: string): TextBlockParam {
  return { type: 'text', text: value };
}

/** A data part as blocks, or null when it is a marker or cannot be sent (named in `omitted`). */
function dataBlock(part: DataPartShape, omitted: string[]): ImageBlockParam | ContentBlockParam | null {
  const mime = normaliseMime(part.mimeType);
  if (mime.startsWith('image/')) {
    // The bytes decide the media type: the API refuses an image labelled as another type.
    const actual = sniffImageType(part.data);
    if (actual !== null) return { type: 'image', source: { type: 'base64', media_type: actual, data: base64(part.data) } };
    omitted.push(`an image that is not PNG, JPEG, GIF or WebP (declared ${mime})`);
    return null;
  }
  if (mime === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: base64(part.data) } };
  }
  if (mime.startsWith('text/') || mime === 'application/json' || mime.endsWith('+json')) {
    const value = decoder.decode(part.data);
    return value === '' ? null : text(value);
  }
  if (!MARKER_TYPES.has(mime)) omitted.push(`a ${mime} attachment (not a type the Messages API accepts)`);
  return null;
}

function opaqueText(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  } catch {
    return '';
  }
}

function toolResultContent(content: readonly unknown[], omitted: string[]): Array<TextBlockParam | ImageBlockParam> {
  const blocks: Array<TextBlockParam | ImageBlockParam> = [];
  for (const part of content) {
    if (isTextPart(part)) {
      if (part.value !== '') blocks.push(text(part.value));
    } else if (isDataPart(part)) {
      const block = dataBlock(part, omitted);
      if (block?.type === 'text' || block?.type === 'image') blocks.push(block);
      else if (block !== null) omitted.push('a document inside a tool result');
    } else if (isOpaqueValuePart(part)) {
      const value = opaqueText(part.value);
      if (value !== '') blocks.push(text(value));
    }
  }
  return blocks;
}

function addCacheBreakpoint(blocks: ContentBlockParam[]): void {
  const last = blocks.at(-1);
  if (last !== undefined && last.type !== 'thinking' && last.type !== 'redacted_thinking') {
    (last as { cache_control?: { type: 'ephemeral' } }).cache_control = { type: 'ephemeral' };
  }
}

function isCacheMarker(part: unknown): boolean {
  return isDataPart(part) && normaliseMime(part.mimeType) === CACHE_CONTROL;
}

function convertSystem(content: readonly unknown[], system: TextBlockParam[]): void {
  for (const part of content) {
    if (isTextPart(part) && part.value !== '') system.push(text(part.value));
    else if (isCacheMarker(part)) addCacheBreakpoint(system);
    else if (isOpaqueValuePart(part)) {
      const value = opaqueText(part.value);
      if (value !== '') system.push(text(value));
    }
  }
}

function convertTurnContent(role: Role, content: readonly unknown[], ids: ToolCallIds, omitted: string[]): ContentBlockParam[] {
  const results: ContentBlockParam[] = [];
  const blocks: ContentBlockParam[] = [];
  for (const part of content) {
    if (isToolCallPart(part)) {
      if (role === 'assistant') blocks.push({ type: 'tool_use', id: ids.toApi(part.callId), name: part.name, input: part.input });
      else blocks.push(text(`Tool call ${part.name}: ${opaqueText(part.input)}`));
    } else if (isToolResultPart(part)) {
      const inner = toolResultContent(part.content, omitted);
      if (role === 'user' && ids.has(part.callId)) {
        const result: ToolResultBlockParam = { type: 'tool_result', tool_use_id: ids.toApi(part.callId), content: inner };
        results.push(result);
      } else {
        // No tool_use to answer (a trimmed history): keep what it said as text.
        const said = inner.filter((b): b is TextBlockParam => b.type === 'text').map((b) => b.text).join('\n');
        if (said !== '') blocks.push(text(`Tool result: ${said}`));
      }
    } else if (isTextPart(part)) {
      if (part.value !== '') blocks.push(text(part.value));
    } else if (isCacheMarker(part)) {
      addCacheBreakpoint(blocks.length > 0 ? blocks : results);
    } else if (isDataPart(part)) {
      const block = dataBlock(part, omitted);
      if (block === null) continue;
      if (role === 'assistant' && block.type !== 'text') omitted.push(`an ${block.type} in an assistant message`);
      else blocks.push(block);
    } else if (isOpaqueValuePart(part)) {
      const value = opaqueText(part.value);
      if (value !== '') blocks.push(text(value));
    }
  }
  return [...results, ...blocks];
}

/** Every tool_use gets a tool_result in the user turn after it (an error result when it has none). */
function answerOpenToolCalls(turns: Turn[]): void {
  for (let i = 0; i < turns.length - 1; i++) {
    const turn = turns[i]!;
    if (turn.role !== 'assistant') continue;
    const asked = turn.blocks.filter((b) => b.type === 'tool_use').map((b) => (b as { id: string }).id);
    if (asked.length === 0) continue;
    const next = turns[i + 1]!;
    const answered = new Set(next.blocks.filter((b) => b.type === 'tool_result').map((b) => (b as ToolResultBlockParam).tool_use_id));
    const missing: ToolResultBlockParam[] = asked
      .filter((id) => !answered.has(id))
      .map((id) => ({ type: 'tool_result', tool_use_id: id, is_error: true, content: 'No result was provided for this tool call.' }));
    if (missing.length > 0) next.blocks.unshift(...missing);
  }
}

function mergeTurns(turns: Turn[]): Turn[] {
  const merged: Turn[] = [];
  for (const turn of turns) {
    if (turn.blocks.length === 0) continue;
    const last = merged.at(-1);
    if (last && last.role === turn.role) {
      // tool_results stay ahead of everything else in a user turn.
      const results = turn.blocks.filter((b) => b.type === 'tool_result');
      const others = turn.blocks.filter((b) => b.type !== 'tool_result');
      const firstOther = last.blocks.findIndex((b) => b.type !== 'tool_result');
      if (results.length > 0 && firstOther !== -1) last.blocks.splice(firstOther, 0, ...results);
      else last.blocks.push(...results);
      last.blocks.push(...others);
    } else {
      merged.push({ role: turn.role, blocks: [...turn.blocks] });
    }
  }
  return merged;
}

function convertTools(tools: readonly ToolShape[]): Tool[] {
  return tools.map((tool) => {
    const schema = (tool.inputSchema ?? {}) as Record<string, unknown>;
    const input_schema: Tool.InputSchema =
      schema['type'] === 'object' ? ({ ...schema, type: 'object' } as Tool.InputSchema) : { type: 'object', properties: {} };
    return { name: tool.name, description: tool.description, input_schema };
  });
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export interface ConvertTarget {
  /** The answer length cap when the caller sets none in modelOptions.max_tokens. */
  readonly defaultMaxTokens: number;
  /** The model's output limit: a larger max_tokens from modelOptions is lowered to it. */
  readonly maxOutputTokens: number;
}

export function toMessagesBody(messages: readonly RequestMessageShape[], options: RequestOptionsShape, target: ConvertTarget): Conversion {
  const omitted: string[] = [];
  const ids = new ToolCallIds();
  const system: TextBlockParam[] = [];
  const turns: Turn[] = [];
  for (const message of messages) {
    if (message.role === ROLE_SYSTEM) {
      convertSystem(message.content, system);
      continue;
    }
    const role: Role = message.role === ROLE_ASSISTANT ? 'assistant' : 'user';
    turns.push({ role, blocks: convertTurnContent(role, message.content, ids, omitted) });
  }
  const merged = mergeTurns(turns);
  answerOpenToolCalls(merged);
  // A last assistant turn is a prefill, which must not end in whitespace.
  const last = merged.at(-1);
  const lastBlock = last?.role === 'assistant' ? last.blocks.at(-1) : undefined;
  if (lastBlock?.type === 'text') {
    lastBlock.text = lastBlock.text.trimEnd();
    if (lastBlock.text === '') last!.blocks.pop();
    if (last!.blocks.length === 0) merged.pop();
  }

  const modelOptions = options.modelOptions ?? {};
  const wantedMax = finiteNumber(modelOptions['max_tokens']);
  const max_tokens = Math.max(1, Math.min(Math.floor(wantedMax ?? target.defaultMaxTokens), target.maxOutputTokens));
  const tools = convertTools(options.tools ?? []);
  const tool_choice: ToolChoice | undefined =
    tools.length === 0 || options.toolMode !== TOOL_MODE_REQUIRED
      ? undefined
      : tools.length === 1
        ? { type: 'tool', name: tools[0]!.name }
        : { type: 'any' };
  const stops = modelOptions['stop_sequences'];
  const body: ConvertedBody = {
    messages: merged.map((t) => ({ role: t.role, content: t.blocks })),
    max_tokens,
    ...(system.length > 0 ? { system } : {}),
    ...(tools.length > 0 ? { tools } : {}),
    ...(tool_choice ? { tool_choice } : {}),
    ...(finiteNumber(modelOptions['temperature']) !== undefined ? { temperature: finiteNumber(modelOptions['temperature'])! } : {}),
    ...(finiteNumber(modelOptions['top_p']) !== undefined ? { top_p: finiteNumber(modelOptions['top_p'])! } : {}),
    ...(finiteNumber(modelOptions['top_k']) !== undefined ? { top_k: finiteNumber(modelOptions['top_k'])! } : {}),
    ...(Array.isArray(stops) && stops.every((s) => typeof s === 'string') ? { stop_sequences: [...(stops as string[])] } : {}),
  };
  return { body, omitted };
}
