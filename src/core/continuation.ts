// The one continuation rule: the request that goes on from an answer's delivered blocks. Used by
// the manager's relay (answerRelay.ts) and by the broker client when it finishes an answer the
// broker began. The delivered blocks become the final assistant turn, as the API sent them (it
// accepts its own blocks back: that is how a pause_turn goes on), with three changes:
// - thinking and redacted thinking are left out, and the continuation runs with thinking off
//   (the API takes no prefill with thinking on, and a second line of reasoning would contradict
//   the first);
// - trailing whitespace is trimmed off the last text (the API refuses it in a prefill) and
//   skipped when the continuation repeats it;
// - text that continues the caller's own prefill joins it; an all-text prefill is one string.
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';

export interface ContinuationPlan {
  readonly messages: MessageParam[];
  /** Whitespace trimmed off the prefill, to drop if the continuation repeats it. */
  readonly skip: string;
  /** The next attempt must run with thinking off (there is output to continue). */
  readonly dropThinking: boolean;
}

type Block = Readonly<Record<string, unknown>>;

function isText(block: Block): boolean {
  return block['type'] === 'text' && typeof block['text'] === 'string';
}

function isPlainText(block: Block): boolean {
  return isText(block) && (block['citations'] === undefined || block['citations'] === null);
}

/** The messages of a continuation after `delivered` (the answer's blocks so far, the last maybe cut short). */
export function continuationPlan(messages: readonly MessageParam[], delivered: readonly Block[]): ContinuationPlan {
  const kept = delivered.filter((block) => block['type'] !== 'thinking' && block['type'] !== 'redacted_thinking');
  if (kept.length === 0) return { messages: [...messages], skip: '', dropThinking: delivered.length > 0 };
  const base = [...messages];
  const last = base[base.length - 1];
  const callerPrefill = last?.role === 'assistant' ? last : undefined;
  if (callerPrefill) base.pop();
  const callerBlocks: Block[] =
    callerPrefill === undefined
      ? []
      : typeof callerPrefill.content === 'string'
        ? callerPrefill.content === ''
          ? []
          : [{ type: 'text', text: callerPrefill.content }]
        : (callerPrefill.content as unknown as Block[]);
  const blocks: Block[] = [...callerBlocks];
  for (const [i, block] of kept.entries()) {
    const previous = blocks[blocks.length - 1];
    // Text that continues the caller's own prefill text is one text.
    if (i === 0 && previous && isPlainText(previous) && isPlainText(block)) {
      blocks[blocks.length - 1] = { ...previous, text: String(previous['text']) + String(block['text']) };
    } else {
      blocks.push(block);
    }
  }
  let skip = '';
  const tail = blocks[blocks.length - 1];
  if (tail && isText(tail)) {
    const text = String(tail['text']);
    const trimmed = text.trimEnd();
    skip = text.slice(trimmed.length);
    if (trimmed === '') blocks.pop();
    else blocks[blocks.length - 1] = { ...tail, text: trimmed };
  }
  if (blocks.length === 0) return { messages: [...messages], skip, dropThinking: true };
  const content = blocks.every(isPlainText) ? blocks.map((block) => String(block['text'])).join('') : (blocks as unknown as ContentBlockParam[]);
  base.push({ role: 'assistant', content });
  return { messages: base, skip, dropThinking: true };
}

/** Drops the whitespace a prefill trimmed from the start of its continuation, as the deltas arrive. */
export class SkipPrefix {
  constructor(private pending: string) {}

  get done(): boolean {
    return this.pending === '';
  }

  take(delta: string): string {
    if (this.pending === '') return delta;
    let i = 0;
    while (i < delta.length && i < this.pending.length && delta[i] === this.pending[i]) i += 1;
    // The first character that does not repeat the prefix ends the skipping for good.
    this.pending = i < delta.length ? '' : this.pending.slice(i);
    return delta.slice(i);
  }
}
