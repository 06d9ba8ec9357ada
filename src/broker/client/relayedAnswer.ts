// The answer of a request whose caller reads the API's events, as this client hands them on: the
// broker's (its core manager's events, recovery spliced in already) and, when the broker goes away
// mid-answer, the in-process manager's continuation spliced in by core's own rule (answerRelay.ts:
// one message_start, block indices that continue, a `recovered` notice; an open block that cannot
// be continued ends the answer with an `incomplete` notice; a complete tool call ends it there).
// The broker's events pass through one AnswerRelay here too: it assembles what the caller was
// given (the continuation's prefill) and makes the typed parts for a caller that reads those.
import type { AfterBreak, AttemptFeed, RelayItem, RelayView } from '../../core/answerRelay';
import { AnswerRelay } from '../../core/answerRelay';
import { messageOf } from '../../core/answerMessage';
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { AnswerEvent, Answering, AttemptRecord, ClaudeRequest, Outcome, SuccessOutcome, Usage } from '../../core/types';

function usageOf(message: Message): Usage {
  const { usage } = message;
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
    cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

export class RelayedAnswer {
  private readonly relay: AnswerRelay;
  private feed: AttemptFeed;

  constructor(
    private readonly out: (item: RelayItem) => void,
    view: () => RelayView,
  ) {
    this.relay = new AnswerRelay(out, view);
    this.feed = this.relay.feed();
  }

  /** The text handed on so far. */
  get text(): string {
    return this.relay.text;
  }

  /** One event from the broker or the in-process manager, whichever answers now. */
  accept(event: AnswerEvent): void {
    if (event.source === 'api') this.feed.accept(event.event);
    else this.out({ event, part: null });
  }

  /** The answer stands: what the feed held (an answer with no content) is handed on. */
  settle(): void {
    this.feed.settle();
  }

  /** The broker went away before the answer ended: what the request can still do. */
  afterBrokerLost(): AfterBreak {
    return this.relay.afterBreak();
  }

  /** The request that finishes the answer in this process (the request itself when nothing was handed on); its events go through a fresh feed. */
  continuation(request: ClaudeRequest): ClaudeRequest {
    this.feed = this.relay.feed();
    const plan = this.relay.plan(request.messages);
    if (!plan.dropThinking) return { ...request, messages: plan.messages };
    const { thinking: _thinking, ...withoutThinking } = request;
    void _thinking;
    return { ...withoutThinking, messages: plan.messages };
  }

  /** The broker went away after a complete tool call: the answer ends at it, as a success on the route that answered. */
  endAtToolUse(answering: Answering, clientRequestId: string, attempts: readonly AttemptRecord[]): SuccessOutcome {
    this.relay.endAtToolUse();
    const message = messageOf(this.relay.message(), answering.model, clientRequestId);
    return {
      ok: true,
      text: this.relay.text,
      model: answering.model,
      provider: answering.provider,
      stopReason: message.stop_reason,
      incomplete: false,
      usage: usageOf(message),
      message,
      adaptations: ['the shared broker stopped after a complete tool call; the answer ends at that call'],
      clientRequestId,
      attempts: [...attempts],
    };
  }

  /** The answer broke off for good: the notice that says what was delivered. */
  incomplete(reason: string): string {
    const message = `The answer is incomplete: ${this.relay.delivered()} reached the caller; ${reason}`;
    this.relay.incomplete(message, 'api_error');
    return message;
  }

  /** The outcome of an answer the broker began and this process finished: the message as handed on, every attempt. */
  joined(outcome: Outcome, earlier: readonly AttemptRecord[]): Outcome {
    const attempts = [...earlier, ...outcome.attempts];
    if (!outcome.ok) {
      const requestIds = [...earlier.map((a) => a.requestId).filter((id): id is string => id !== null), ...outcome.error.requestIds];
      return { ...outcome, text: this.relay.text, attempts, error: { ...outcome.error, requestIds } };
    }
    const message = messageOf(this.relay.message(), outcome.model, outcome.clientRequestId);
    return { ...outcome, text: this.relay.text, attempts, message, stopReason: message.stop_reason, usage: usageOf(message) };
  }
}
