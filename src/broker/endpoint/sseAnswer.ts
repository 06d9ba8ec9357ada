// A streamed answer written as the Messages API's server-sent events:
// - relayed: a manager that hands on the API's own events (core's RelayStream: the broker's and
//   serve's, a window's broker client) has them written as they came, each under its own name, in order, types this code
//   has never seen included; its recovery is already spliced in (one message_start, indices that
//   continue), and an answer that broke off for good ends with the `error` event its notice gives.
// A manager that hands on only typed parts (a window's broker client on a broker from before answer
// events) has the events rebuilt:
// - live: text and thinking deltas as they arrive, each complete tool call as one block
//   (content_block_start, one input_json_delta with its whole input, content_block_stop), then
//   message_delta with the stop reason and usage the answer ended with, and message_stop;
// - whole: the assembled message written out block by block once it is complete (used for
//   requests with extended thinking, whose blocks need their signatures, which only the
//   assembled message carries).
// Either way the client sees one coherent message: one message_start, consistent block indices,
// one message_stop. A failure after the first event becomes an `error` event, as the API sends it.
// An answer ends at its message_stop or its error event: nothing is written after either (not a
// ping, not an error for a failure met later), only the end of the response.
// Events written in one turn of the event loop leave in one write (the socket is corked until the
// turn ends): the headers, message_start, the first block's start and its first delta reach the
// client as one packet, which its SDK reads in one go.
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { ContentBlock, Message } from '@anthropic-ai/sdk/resources/messages';
import type { AnswerEvent, StreamPart, SuccessOutcome } from '../../core/types';

type OpenKind = 'text' | 'thinking' | null;

function usageFields(message: Message): Record<string, unknown> {
  return { ...message.usage };
}

export class SseAnswer {
  private index = -1;
  private open: OpenKind = null;
  private started = false;
  private corked = false;
  private stopped = false;
  private errorSent = false;

  constructor(private readonly res: ServerResponse) {}

  get hasStarted(): boolean {
    return this.started;
  }

  /** The answer's message_stop, or its error event, has been written. */
  get hasEnded(): boolean {
    return this.stopped || this.errorSent;
  }

  /** Sends the response headers (they leave with the first event). */
  sendHeaders(headers: Readonly<Record<string, string>>): void {
    this.started = true;
    this.res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  }

  /** Sends the response headers and a message_start of our own (a rebuilt answer). */
  start(headers: Readonly<Record<string, string>>, model: string, messageId?: string, usage?: Record<string, unknown>): void {
    this.sendHeaders(headers);
    this.event('message_start', {
      type: 'message_start',
      message: {
        id: messageId ?? `msg_${randomBytes(12).toString('hex')}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usage ?? { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
  }

  /** One part of a live answer. */
  part(part: StreamPart): void {
    switch (part.type) {
      case 'text':
        this.ensureOpen('text');
        this.delta({ type: 'text_delta', text: part.text });
        return;
      case 'thinking':
        this.ensureOpen('thinking');
        this.delta({ type: 'thinking_delta', thinking: part.thinking });
        return;
      case 'tool_use':
        this.closeOpen();
        this.block({ type: 'tool_use', id: part.id, name: part.name, input: part.input } as unknown as ContentBlock);
        return;
    }
  }

  /** One event of a relayed answer (after sendHeaders): the API's as it came; of the manager's notices only
   *  an answer's end for good is written (as the API's `error` event), the others say what the
   *  events themselves show. */
  relay(item: AnswerEvent): void {
    if (item.source === 'api') this.event(item.event.type, item.event);
    else if (item.notice.error !== undefined) this.event('error', { type: 'error', error: item.notice.error });
  }

  /** Ends a relayed answer whose events have all been written. */
  close(): void {
    this.res.end();
  }

  /** Ends a live answer: message_delta (stop reason, usage) and message_stop. */
  finish(outcome: SuccessOutcome): void {
    this.closeOpen();
    this.end(outcome.message);
  }

  /** Writes a whole assembled message (after start). */
  whole(message: Message): void {
    for (const block of message.content) this.block(block);
    this.end(message);
  }

  /** A failure once the stream has started: the API's `error` event (unless the answer has ended
   *  already, with its message_stop or an error), then the end of the response. */
  fail(errorType: string, message: string): void {
    this.event('error', { type: 'error', error: { type: errorType, message } });
    this.res.end();
  }

  /** A keep-alive while the answer is being worked on. */
  ping(): void {
    if (this.started) this.event('ping', { type: 'ping' });
  }

  private end(message: Message): void {
    this.event('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence ?? null },
      usage: usageFields(message),
    });
    this.event('message_stop', { type: 'message_stop' });
    this.res.end();
  }

  private ensureOpen(kind: Exclude<OpenKind, null>): void {
    if (this.open === kind) return;
    this.closeOpen();
    this.index += 1;
    this.open = kind;
    const start = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    this.event('content_block_start', { type: 'content_block_start', index: this.index, content_block: start });
  }

  private closeOpen(): void {
    if (this.open === null) return;
    this.open = null;
    this.event('content_block_stop', { type: 'content_block_stop', index: this.index });
  }

  private delta(delta: Record<string, unknown>): void {
    this.event('content_block_delta', { type: 'content_block_delta', index: this.index, delta });
  }

  /** A complete block: its start (content emptied), its content as deltas, its stop. */
  private block(block: ContentBlock): void {
    this.index += 1;
    const raw = block as unknown as Record<string, unknown>;
    let start: Record<string, unknown> = { ...raw };
    const deltas: Record<string, unknown>[] = [];
    switch (block.type) {
      case 'text':
        start = { ...raw, text: '' };
        if (block.text !== '') deltas.push({ type: 'text_delta', text: block.text });
        break;
      case 'thinking':
        start = { ...raw, thinking: '', signature: '' };
        if (block.thinking !== '') deltas.push({ type: 'thinking_delta', thinking: block.thinking });
        if (block.signature !== '') deltas.push({ type: 'signature_delta', signature: block.signature });
        break;
      case 'tool_use':
        start = { ...raw, input: {} };
        deltas.push({ type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
        break;
      default:
        break;
    }
    this.event('content_block_start', { type: 'content_block_start', index: this.index, content_block: start });
    for (const delta of deltas) this.delta(delta);
    this.event('content_block_stop', { type: 'content_block_stop', index: this.index });
  }

  /** Writes one event, unless the answer has ended (its message_stop or error event is written). */
  private event(name: string, data: unknown): void {
    if (this.hasEnded || this.res.writableEnded) return;
    if (name === 'message_stop') this.stopped = true;
    else if (name === 'error') this.errorSent = true;
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    this.res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
