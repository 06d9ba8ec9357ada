// Builds an answer's Message from its stream events the way the official SDK's beta
// accumulator does (`BetaMessageStream#accumulateMessage` in @anthropic-ai/sdk, the oracle in
// tests): the message as message_start gave it, every content block as content_block_start gave
// it, deltas applied by their type, message_delta's fields and usage counters taken over. Nothing
// is added, renamed or removed; a block or delta type this code does not know is kept as it came
// (its deltas, like the SDK's, change nothing). Tool-call-like blocks (tool_use, server_tool_use,
// mcp_tool_use) get their input from the streamed JSON with the SDK's own partial-JSON parser, so
// an input cut short by max_tokens is assembled as the SDK assembles it.
//
// Unlike the SDK it mutates its own copies in place (no object per delta), and never touches the
// events it is given: they are handed on to the caller unchanged.
import { partialParse } from '@anthropic-ai/sdk/_vendor/partial-json-parser/parser';
import type { ApiStreamEvent } from './types';

export type JsonObject = Record<string, unknown>;

const TOOL_INPUT_TYPES: ReadonlySet<unknown> = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

/** Usage counters message_delta carries as whole-message totals: overwritten when present, never added. */
const USAGE_TOTALS = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'server_tool_use', 'iterations', 'fallback_credit', 'output_tokens_details'] as const;

function asObject(value: unknown): JsonObject | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : null;
}

/** The SDK's reading of a tool input's JSON: partial JSON completed, '' as {}, garbage as {}. */
export function parseToolInput(json: string): unknown {
  if (json === '') return {};
  try {
    return partialParse(json);
  } catch {
    return {};
  }
}

export function tracksToolInput(block: JsonObject): boolean {
  return TOOL_INPUT_TYPES.has(block['type']);
}

export class MessageAccumulator {
  private snapshot: JsonObject | null = null;
  private content: JsonObject[] = [];
  /** The streamed JSON of tool inputs not yet parsed, by block. */
  private readonly toolJson = new Map<JsonObject, string>();

  /** True once message_stop arrived. */
  sawStop = false;

  get started(): boolean {
    return this.snapshot !== null;
  }

  /** The blocks so far (the accumulator's own objects: read, do not change). */
  get blocks(): readonly JsonObject[] {
    return this.content;
  }

  accept(event: ApiStreamEvent): void {
    if (event.type === 'message_start') {
      if (this.snapshot === null) this.begin(asObject(event['message']) ?? {});
      return;
    }
    const snapshot = this.snapshot;
    if (snapshot === null) return;
    switch (event.type) {
      case 'message_stop':
        this.sawStop = true;
        return;
      case 'message_delta':
        this.messageDelta(snapshot, event);
        return;
      case 'content_block_start': {
        const block = { ...(asObject(event['content_block']) ?? {}) };
        this.content.push(block);
        const to = asObject(block['to']);
        if (block['type'] === 'fallback' && to) snapshot['model'] = to['model'];
        return;
      }
      case 'content_block_delta': {
        const block = typeof event['index'] === 'number' ? this.content.at(event['index']) : undefined;
        const delta = asObject(event['delta']);
        if (block && delta) this.blockDelta(block, delta);
        return;
      }
      case 'content_block_stop': {
        const block = typeof event['index'] === 'number' ? this.content.at(event['index']) : undefined;
        if (block) this.settleInput(block);
        return;
      }
      default:
        return;
    }
  }

  /** Drops the last block (one the caller never saw, to be redone). */
  dropLast(): void {
    const block = this.content.pop();
    if (block) this.toolJson.delete(block);
  }

  /** The message so far, as the SDK's snapshot would read (tool inputs still streaming parsed as they stand). */
  message(): JsonObject | null {
    if (this.snapshot === null) return null;
    for (const [block, json] of this.toolJson) {
      delete block['input'];
      block['input'] = parseToolInput(json);
    }
    return this.snapshot;
  }

  private begin(message: JsonObject): void {
    const usage = asObject(message['usage']);
    const given = Array.isArray(message['content']) ? (message['content'] as unknown[]) : [];
    this.content = given.map((block) => ({ ...(asObject(block) ?? {}) }));
    this.snapshot = { ...message, content: this.content, ...(usage ? { usage: { ...usage } } : {}) };
  }

  private messageDelta(snapshot: JsonObject, event: ApiStreamEvent): void {
    const delta = asObject(event['delta']) ?? {};
    const usage = asObject(event['usage']) ?? {};
    snapshot['stop_reason'] = delta['stop_reason'];
    snapshot['stop_sequence'] = delta['stop_sequence'];
    snapshot['stop_details'] = delta['stop_details'];
    const totals = asObject(snapshot['usage']) ?? {};
    snapshot['usage'] = totals;
    totals['output_tokens'] = usage['output_tokens'];
    if (delta['container'] != null) snapshot['container'] = delta['container'];
    if (event['context_management'] != null) snapshot['context_management'] = event['context_management'];
    if (event['input_transformations'] != null) snapshot['input_transformations'] = event['input_transformations'];
    for (const key of USAGE_TOTALS) if (usage[key] != null) totals[key] = usage[key];
  }

  private blockDelta(block: JsonObject, delta: JsonObject): void {
    switch (delta['type']) {
      case 'text_delta':
        if (block['type'] === 'text') block['text'] = String(block['text'] || '') + String(delta['text']);
        return;
      case 'citations_delta':
        if (block['type'] === 'text') block['citations'] = [...((block['citations'] as unknown[] | null | undefined) ?? []), delta['citation']];
        return;
      case 'input_json_delta':
        if (tracksToolInput(block)) this.toolJson.set(block, (this.toolJson.get(block) ?? '') + String(delta['partial_json']));
        return;
      case 'thinking_delta':
        if (block['type'] === 'thinking') block['thinking'] = String(block['thinking']) + String(delta['thinking']);
        return;
      case 'signature_delta':
        if (block['type'] === 'thinking') block['signature'] = delta['signature'];
        return;
      case 'compaction_delta':
        if (block['type'] === 'compaction') {
          block['content'] = delta['content'];
          if ('encrypted_content' in delta) block['encrypted_content'] = delta['encrypted_content'];
        }
        return;
      default:
        return;
    }
  }

  /** A tool input's JSON becomes its input (the SDK does this at content_block_stop). */
  private settleInput(block: JsonObject): void {
    const json = this.toolJson.get(block);
    if (json === undefined) return;
    this.toolJson.delete(block);
    // The SDK re-creates the block with `input` last; the key order is kept the same way.
    delete block['input'];
    block['input'] = parseToolInput(json);
  }
}
