// One request's answer as the caller receives it, across attempts. The winning attempt's events
// are handed on in order and unchanged; after a break the next attempt's are spliced in so the
// caller still reads one message (its message_start is swallowed, its block indices continue the
// caller's, the whitespace a prefill trimmed is not repeated). The caller's Message is assembled
// from exactly what was handed on (messageAccumulator.ts, the SDK's rule).
//
// When a stream breaks, per block type (README "A broken stream"):
// - nothing shown yet: the request is redone from scratch (the caller never sees two starts);
// - a text block, open or complete, and complete blocks of any type before it: continued by
//   prefill (continuation.ts), the open text block continuing at its own index;
// - a complete client tool_use: the answer ends at it (stop_reason tool_use), rather than risk a
//   second, different set of calls;
// - an open block of any other type (thinking, a tool call's input, a server tool's result,
//   compaction, a type this code does not know) that the caller has seen: it cannot be
//   prefilled, so the request ends with an `incomplete` error saying what was delivered; one the
//   caller has not seen (a parts or send() caller sees no half tool call, no server block) is
//   dropped and redone.
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AnswerEvent, ApiStreamEvent, ManagerNotice, StreamPart } from './types';
import type { ContinuationPlan } from './continuation';
import { continuationPlan, SkipPrefix } from './continuation';
import type { JsonObject } from './messageAccumulator';
import { MessageAccumulator } from './messageAccumulator';

/** What the caller reads: every event ('events'), the typed parts ('parts'), or only the outcome ('none'). */
export type RelayView = 'events' | 'parts' | 'none';

/** What a stream breaking leaves the request to do. */
export type AfterBreak = 'continue' | 'end_at_tool_use' | 'incomplete';

/** An event handed on, with the typed part it makes (a text or thinking delta, a complete tool call). */
export interface RelayItem {
  readonly event: AnswerEvent;
  readonly part: StreamPart | null;
}

interface OpenBlock {
  readonly index: number;
  readonly type: unknown;
  /** A part of it reached a parts caller. */
  shown: boolean;
}

/** How the next live attempt's events join the caller's. */
interface Splice {
  readonly skip: SkipPrefix | null;
  /** The caller's open text block that the attempt's first text block continues. */
  readonly mergeInto: number | null;
  /** The caller's index of the attempt's block 0 (when it does not merge). */
  readonly base: number;
}

const FRESH: Splice = { skip: null, mergeInto: null, base: 0 };

function isContent(event: ApiStreamEvent): boolean {
  return event.type === 'content_block_start' || event.type === 'content_block_delta';
}

/** One attempt's events: held until its first content (a hedge that loses never shows), then relayed. */
export class AttemptFeed {
  sawStop = false;
  private live = false;
  private held: ApiStreamEvent[] = [];

  constructor(private readonly relay: AnswerRelay) {}

  accept(event: ApiStreamEvent): void {
    if (event.type === 'message_stop') this.sawStop = true;
    if (!this.live) {
      if (!isContent(event)) {
        this.held.push(event);
        return;
      }
      this.goLive();
    }
    this.relay.forward(event);
  }

  /** The attempt's answer stands (it may have had no content at all): what it held is handed on. */
  settle(): void {
    if (!this.live) this.goLive();
  }

  private goLive(): void {
    this.live = true;
    this.relay.begin();
    const held = this.held;
    this.held = [];
    for (const event of held) this.relay.forward(event);
  }
}

export class AnswerRelay {
  private acc = new MessageAccumulator();
  private next = 0;
  private open: OpenBlock | null = null;
  private splice: Splice = FRESH;
  /** The attempt's block 0 maps to this caller index (null until its first block starts). */
  private shift: number | null = null;
  private firstSkip: SkipPrefix | null = null;
  private broke = false;

  constructor(
    private readonly out: (item: RelayItem) => void,
    private readonly view: () => RelayView,
  ) {}

  /** A feed for one attempt. */
  feed(): AttemptFeed {
    return new AttemptFeed(this);
  }

  /** True once the caller has been handed any content. */
  get started(): boolean {
    return this.acc.blocks.length > 0;
  }

  /** The text delivered so far, in order. */
  get text(): string {
    return this.acc.blocks.map((block) => (block['type'] === 'text' && typeof block['text'] === 'string' ? block['text'] : '')).join('');
  }

  /** The caller's message as handed on (null before any attempt answered). */
  message(): JsonObject | null {
    return this.acc.message();
  }

  /** What the caller has been given, in words ("2 blocks (text, server_tool_use) and part of a thinking block"). */
  delivered(): string {
    const blocks = this.acc.blocks;
    const complete = this.open === null ? blocks : blocks.slice(0, -1);
    const types = complete.map((block) => String(block['type']));
    const whole = complete.length === 0 ? 'no complete block' : `${complete.length} complete block${complete.length === 1 ? '' : 's'} (${types.join(', ')})`;
    return this.open === null ? whole : `${whole} and part of a ${String(this.open.type)} block`;
  }

  /** A feed went live: its events now reach the caller. */
  begin(): void {
    this.shift = null;
    this.firstSkip = this.splice.skip;
    if (this.broke) this.notice({ type: 'recovered', message: `The stream broke; the answer continues after ${this.delivered()}.` });
  }

  /** Hands on one event of the live attempt. */
  forward(event: ApiStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        if (!this.acc.started) this.emit(event, null);
        return;
      case 'content_block_start':
        this.blockStart(event);
        return;
      case 'content_block_delta':
        this.blockDelta(event);
        return;
      case 'content_block_stop':
        this.blockStop(event);
        return;
      default:
        this.emit(event, null);
    }
  }

  /** The live attempt broke: what the request can still do, for a caller that reads `view`. */
  afterBreak(): AfterBreak {
    const open = this.open;
    if (open !== null && open.type !== 'text') {
      const view = this.view();
      if (view === 'events' || (view === 'parts' && open.shown)) return 'incomplete';
      this.acc.dropLast();
      this.next = open.index;
      this.open = null;
    }
    if (this.acc.blocks.some((block) => block['type'] === 'tool_use')) return 'end_at_tool_use';
    if (this.acc.blocks.length === 0) this.reset();
    return 'continue';
  }

  /** The messages of the next attempt, and how its events will join the caller's. */
  plan(messages: readonly MessageParam[]): ContinuationPlan {
    const blocks = this.acc.blocks;
    if (blocks.length === 0) {
      this.splice = FRESH;
      return { messages: [...messages], skip: '', dropThinking: false };
    }
    const plan = continuationPlan(messages, blocks);
    this.broke = true;
    this.splice = {
      skip: plan.skip === '' ? null : new SkipPrefix(plan.skip),
      mergeInto: this.open?.type === 'text' ? this.open.index : null,
      base: this.next,
    };
    return plan;
  }

  /** Ends the answer at the complete tool call it holds (the stream broke after it). */
  endAtToolUse(): void {
    this.notice({ type: 'ended_at_tool_use', message: `The stream broke after a complete tool call; the answer ends at it (${this.delivered()}).` });
    if (this.open !== null) this.emit({ type: 'content_block_stop', index: this.open.index }, null);
    const usage = this.acc.message()?.['usage'] as JsonObject | undefined;
    this.emit({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: usage?.['output_tokens'] ?? 0 } }, null);
    this.emit({ type: 'message_stop' }, null);
  }

  /** The answer broke off for good: a notice that says what was delivered. */
  incomplete(message: string, errorType: string): void {
    this.notice({ type: 'incomplete', message, error: { type: errorType, message } });
  }

  private reset(): void {
    this.acc = new MessageAccumulator();
    this.next = 0;
    this.open = null;
    this.splice = FRESH;
    this.broke = false;
  }

  private notice(notice: ManagerNotice): void {
    this.out({ event: { source: 'manager', notice }, part: null });
  }

  private emit(event: ApiStreamEvent, part: StreamPart | null): void {
    this.acc.accept(event);
    this.out({ event: { source: 'api', event }, part });
  }

  /** The caller's index of the attempt's block `index`. */
  private callerIndex(index: unknown): number | null {
    if (typeof index !== 'number' || this.shift === null) return null;
    return this.shift + index;
  }

  private reindexed(event: ApiStreamEvent, index: number | null): ApiStreamEvent {
    return index === null || index === event['index'] ? event : { ...event, index };
  }

  private blockStart(event: ApiStreamEvent): void {
    const block = event['content_block'] as JsonObject | undefined;
    if (this.shift === null) {
      const mergeInto = this.splice.mergeInto;
      if (mergeInto !== null && block?.['type'] === 'text') {
        // The attempt's first text continues the caller's open text block: no second start.
        this.shift = mergeInto;
        const text = typeof block['text'] === 'string' ? block['text'] : '';
        if (text !== '') this.blockDelta({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
        return;
      }
      if (mergeInto !== null) this.emit({ type: 'content_block_stop', index: mergeInto }, null);
      this.shift = mergeInto !== null ? mergeInto + 1 : this.splice.base;
      if (block?.['type'] !== 'text') this.firstSkip = null;
    } else {
      this.firstSkip = null;
    }
    const index = this.callerIndex(event['index']);
    if (index === null) return;
    this.next = index + 1;
    this.open = { index, type: block?.['type'], shown: false };
    this.emit(this.reindexed(event, index), null);
  }

  private blockDelta(event: ApiStreamEvent): void {
    const index = this.callerIndex(event['index']);
    const delta = event['delta'] as JsonObject | undefined;
    if (index === null || !delta) return;
    let out = this.reindexed(event, index);
    let part: StreamPart | null = null;
    if (delta['type'] === 'text_delta' && typeof delta['text'] === 'string') {
      let text = delta['text'];
      if (this.firstSkip !== null) {
        text = this.firstSkip.take(text);
        if (this.firstSkip.done) this.firstSkip = null;
        if (text === '') return;
        if (text !== delta['text']) out = { ...out, delta: { ...delta, text } };
      }
      part = { type: 'text', text };
    } else if (delta['type'] === 'thinking_delta' && typeof delta['thinking'] === 'string' && delta['thinking'] !== '') {
      part = { type: 'thinking', thinking: delta['thinking'] };
    }
    if (part !== null && this.open?.index === index) this.open.shown = true;
    this.emit(out, part);
  }

  private blockStop(event: ApiStreamEvent): void {
    const index = this.callerIndex(event['index']);
    if (index === null) return;
    this.firstSkip = null;
    const stop = this.reindexed(event, index);
    this.acc.accept(stop);
    let part: StreamPart | null = null;
    if (this.open?.index === index) {
      this.open = null;
      const block = this.acc.blocks[index];
      // A tool call reaches a parts caller once, complete (its input as the SDK parses it).
      if (block?.['type'] === 'tool_use') part = { type: 'tool_use', id: String(block['id']), name: String(block['name']), input: block['input'] };
    }
    this.out({ event: { source: 'api', event: stop }, part });
  }
}
