// Carries a streamed answer across attempts, so a failure after partial output
// never duplicates or contradicts what the caller already has. The rule per block type:
// - text: kept; the next attempt continues it by prefill (the partial answer as the final
//   assistant turn, trailing whitespace trimmed and skipped when the server repeats it);
// - tool_use: handed to the caller only when complete. One still being streamed is dropped
//   and redone by the next attempt; once a complete tool call was handed on, a later break
//   ends the answer there (stop_reason tool_use) rather than risk a second, different set of calls;
// - thinking: shown as it streams. A prefill is not accepted with thinking on, and a second
//   line of reasoning would contradict the first, so a continuation runs with thinking off;
//   the assembled message keeps only thinking blocks that completed with their signature.
import type { ContentBlock, ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { MessageAssembler } from './messageAssembler';

export interface ContinuationPlan {
  readonly messages: MessageParam[];
  /** Whitespace trimmed off the prefill, to drop if the server repeats it. */
  readonly skip: string;
  /** The next attempt must run with thinking off (there is output to continue). */
  readonly dropThinking: boolean;
}

function isText(block: ContentBlock): block is Extract<ContentBlock, { type: 'text' }> {
  return block.type === 'text';
}

/** Appends `next` to `prior`, joining a text block that continues the prior's last text block. */
function merge(prior: readonly ContentBlock[], next: readonly ContentBlock[]): ContentBlock[] {
  const out = [...prior];
  const [first, ...rest] = next;
  const last = out[out.length - 1];
  if (first && last && isText(first) && isText(last)) {
    out[out.length - 1] = { ...last, text: last.text + first.text };
    out.push(...rest);
  } else if (first) {
    out.push(first, ...rest);
  }
  return out;
}

export class Continuation {
  private prior: ContentBlock[] = [];
  private outputShown = false;

  /** Called whenever any part reaches the caller. */
  noteOutput(): void {
    this.outputShown = true;
  }

  /** True once the caller has seen any part of the answer. */
  get started(): boolean {
    return this.outputShown || this.prior.length > 0;
  }

  /** True when a complete tool call has been handed on (the answer cannot be continued safely). */
  get handedToolCall(): boolean {
    return this.prior.some((block) => block.type === 'tool_use');
  }

  /** Every text delivered so far, in order. */
  get text(): string {
    return this.prior.filter(isText).map((block) => block.text).join('');
  }

  /** Keeps what a failed attempt delivered: its complete blocks and the text of the block it broke in. */
  absorbFailure(assembler: MessageAssembler): void {
    const partial: ContentBlock[] = assembler.openText !== '' ? [{ type: 'text', text: assembler.openText, citations: null }] : [];
    this.prior = merge(this.prior, [...assembler.completed, ...partial]);
  }

  /** The whole answer once an attempt succeeded. */
  blocks(assembler: MessageAssembler): ContentBlock[] {
    return merge(this.prior, assembler.completed);
  }

  /** The messages of the next attempt: the caller's, plus the delivered text as a prefill. */
  plan(messages: readonly MessageParam[]): ContinuationPlan {
    const base = [...messages];
    const delivered = this.text;
    if (delivered === '') return { messages: base, skip: '', dropThinking: this.started };
    const last = base[base.length - 1];
    const callerPrefill = last?.role === 'assistant' ? last : undefined;
    if (callerPrefill) base.pop();
    const prefix = typeof callerPrefill?.content === 'string' ? callerPrefill.content : '';
    const full = prefix + delivered;
    const trimmed = full.trimEnd();
    const skip = full.slice(trimmed.length);
    if (delivered.trimEnd() === '') return { messages: [...messages], skip: delivered, dropThinking: true };
    const blocks: ContentBlockParam[] =
      callerPrefill && typeof callerPrefill.content !== 'string' ? [...callerPrefill.content, { type: 'text', text: delivered.trimEnd() }] : [];
    base.push({ role: 'assistant', content: blocks.length > 0 ? blocks : trimmed });
    return { messages: base, skip, dropThinking: true };
  }
}
