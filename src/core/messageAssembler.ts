// Builds one attempt's answer from the raw stream events: content blocks in
// order (text, thinking with its signature, redacted thinking, tool_use with
// its input parsed), stop reason and usage. Text and thinking deltas are handed
// on as they arrive; a tool_use block is handed on once, when it is complete —
// a tool call still being streamed when the stream breaks never reaches the caller.
import type { ContentBlock, StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { RawStreamEvent, RawUsage } from './wire';

export interface AssembledUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

/** What a stream hands on while it is read. */
export interface PartSink {
  text(delta: string): void;
  thinking(delta: string): void;
  toolUse(block: { readonly id: string; readonly name: string; readonly input: unknown }): void;
}

type OpenBlock =
  | { kind: 'text'; text: string }
  | { kind: 'thinking'; thinking: string; signature: string }
  | { kind: 'redacted_thinking'; data: string }
  | { kind: 'tool_use'; id: string; name: string; json: string; input: unknown }
  | { kind: 'other' };

const STOP_REASONS: readonly StopReason[] = ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded'];

function count(value: number | null | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export class MessageAssembler {
  /** Blocks that ended (content_block_stop), in order. */
  readonly completed: ContentBlock[] = [];
  private open: OpenBlock | null = null;
  messageId = '';
  model = '';
  stopReason: StopReason | null = null;
  stopSequence: string | null = null;
  sawStop = false;
  readonly usage: AssembledUsage = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };

  private skipAt = 0;

  /** `skip`: text the server will repeat at the start of a continuation (the whitespace trimmed
   *  off a prefill); it is dropped from the first text as long as it matches, char by char. */
  constructor(
    private readonly sink: PartSink,
    private readonly skip = '',
  ) {}

  /** The text of the block being streamed, when it is a text block ('' otherwise). */
  get openText(): string {
    return this.open?.kind === 'text' ? this.open.text : '';
  }

  accept(event: RawStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.messageId = text(event.message?.id);
        this.model = text(event.message?.model);
        this.readUsage(event.message?.usage);
        return;
      case 'content_block_start':
        this.start(event.content_block);
        return;
      case 'content_block_delta':
        this.delta(event.delta);
        return;
      case 'content_block_stop':
        this.stop();
        return;
      case 'message_delta': {
        const reason = event.delta?.stop_reason;
        if (typeof reason === 'string' && (STOP_REASONS as readonly string[]).includes(reason)) this.stopReason = reason as StopReason;
        if (typeof event.delta?.stop_sequence === 'string') this.stopSequence = event.delta.stop_sequence;
        this.readUsage(event.usage);
        return;
      }
      case 'message_stop':
        this.stop();
        this.sawStop = true;
        return;
      default:
        return;
    }
  }

  private readUsage(usage: RawUsage | undefined): void {
    if (!usage) return;
    this.usage.inputTokens = count(usage.input_tokens, this.usage.inputTokens);
    this.usage.outputTokens = count(usage.output_tokens, this.usage.outputTokens);
    this.usage.cacheReadInputTokens = count(usage.cache_read_input_tokens, this.usage.cacheReadInputTokens);
    this.usage.cacheCreationInputTokens = count(usage.cache_creation_input_tokens, this.usage.cacheCreationInputTokens);
  }

  private start(block: RawStreamEvent['content_block']): void {
    this.stop();
    switch (block?.type) {
      case 'text':
        this.open = { kind: 'text', text: '' };
        if (text(block.text) !== '') this.appendText(text(block.text));
        return;
      case 'thinking':
        this.open = { kind: 'thinking', thinking: '', signature: text(block.signature) };
        if (text(block.thinking) !== '') this.appendThinking(text(block.thinking));
        return;
      case 'redacted_thinking':
        this.open = { kind: 'redacted_thinking', data: text(block.data) };
        return;
      case 'tool_use':
        this.open = { kind: 'tool_use', id: text(block.id), name: text(block.name), json: '', input: block.input ?? {} };
        return;
      default:
        this.open = { kind: 'other' };
    }
  }

  private delta(delta: RawStreamEvent['delta']): void {
    const open = this.open;
    if (!open || !delta) return;
    if (delta.type === 'text_delta' && open.kind === 'text') this.appendText(text(delta.text));
    else if (delta.type === 'thinking_delta' && open.kind === 'thinking') this.appendThinking(text(delta.thinking));
    else if (delta.type === 'signature_delta' && open.kind === 'thinking') open.signature += text(delta.signature);
    else if (delta.type === 'input_json_delta' && open.kind === 'tool_use') open.json += text(delta.partial_json);
  }

  private appendText(raw: string): void {
    if (this.open?.kind !== 'text') return;
    const delta = this.skipRepeated(raw);
    if (delta === '') return;
    this.open.text += delta;
    this.sink.text(delta);
  }

  /** Drops the part of `delta` that repeats the rest of the skip prefix (linear in the delta). */
  private skipRepeated(delta: string): string {
    if (this.skipAt >= this.skip.length) return delta;
    let i = 0;
    while (i < delta.length && this.skipAt < this.skip.length && delta[i] === this.skip[this.skipAt]) {
      i += 1;
      this.skipAt += 1;
    }
    // The first character that does not repeat the prefix ends the skipping for good.
    if (i < delta.length) this.skipAt = this.skip.length;
    return delta.slice(i);
  }

  private appendThinking(delta: string): void {
    if (this.open?.kind !== 'thinking' || delta === '') return;
    this.open.thinking += delta;
    this.sink.thinking(delta);
  }

  /** Ends the open block. A tool_use whose input is not valid JSON is a broken stream. */
  private stop(): void {
    const open = this.open;
    this.open = null;
    if (!open) return;
    switch (open.kind) {
      case 'text':
        this.completed.push({ type: 'text', text: open.text, citations: null });
        return;
      case 'thinking':
        this.completed.push({ type: 'thinking', thinking: open.thinking, signature: open.signature });
        return;
      case 'redacted_thinking':
        this.completed.push({ type: 'redacted_thinking', data: open.data });
        return;
      case 'tool_use': {
        const input = open.json.trim() === '' ? open.input : parseToolInput(open.json);
        const block = { type: 'tool_use' as const, id: open.id, name: open.name, input, caller: { type: 'direct' as const } };
        this.completed.push(block);
        this.sink.toolUse({ id: open.id, name: open.name, input });
        return;
      }
      default:
        return;
    }
  }
}

export class MalformedToolInput extends Error {
  constructor() {
    super('A tool call arrived with input that is not valid JSON.');
    this.name = 'MalformedToolInput';
  }
}

function parseToolInput(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    throw new MalformedToolInput();
  }
}
