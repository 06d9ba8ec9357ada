// The record of one request: its attempts (in the order they ended), the server's request ids,
// the adaptations made for the models that answered, the last failure worth blaming, and the
// outcome built from them. Every attempt and the request's end are announced as they are recorded.
import type { Classification } from './classify';
import type { AnswerRelay } from './answerRelay';
import { messageOf } from './answerMessage';
import type { ChainEntry } from './routePicker';
import type { AttemptResult } from './attempt';
import type { AttemptRecord, ErrorClass, FailureOutcome, Outcome, RequestEvent, SuccessOutcome } from './types';

export class RunRecord {
  private readonly attempts: AttemptRecord[] = [];
  private readonly requestIds: string[] = [];
  private readonly adaptations: string[] = [];
  private lastFailure: Classification | null = null;
  private lastReachableFailure: Classification | null = null;

  constructor(
    readonly clientRequestId: string,
    private readonly startedAt: number,
    private readonly now: () => number,
    private readonly emit: (event: RequestEvent) => void,
    private readonly relay: AnswerRelay,
  ) {}

  /** The class of the last failure, if any. */
  get lastFailureClass(): ErrorClass | null {
    return this.lastFailure?.errorClass ?? null;
  }

  /** A failure that decides what the request ends with (the user's own network only when all there was). */
  noteFailure(failure: Classification): void {
    this.lastFailure = failure;
    if (failure.errorClass !== 'unreachable') this.lastReachableFailure = failure;
  }

  /** One attempt ended with the result that stands for it. */
  attempt(entry: ChainEntry, number: number, startedAt: number, result: AttemptResult): void {
    const base = this.base(entry, number, startedAt);
    this.push(
      result.ok
        ? { ...base, status: result.status, errorClass: null, errorType: null, requestId: result.requestId }
        : { ...base, status: result.failure.status, errorClass: result.failure.errorClass, errorType: result.failure.errorType, requestId: result.failure.requestId, message: result.failure.message },
    );
  }

  /** The attempt of a hedged pair whose result does not stand: aborted when the other won, or its own failure. */
  lostAttempt(entry: ChainEntry, number: number, startedAt: number, result: AttemptResult, role: 'first' | 'hedge', userAborted: boolean): void {
    const base = this.base(entry, number, startedAt);
    // In the history's failure log per route, 'hedge_lost' records count the hedges.
    const why =
      role === 'first'
        ? 'no content in time; a second attempt on a fresh connection answered first (hedged)'
        : 'a second attempt beside a late first token (hedge); the first attempt answered first';
    if (result.ok) this.push({ ...base, status: result.status, errorClass: 'canceled', errorType: 'hedge_lost', requestId: result.requestId, message: why });
    else if (result.failure.errorClass === 'canceled' && !userAborted) this.push({ ...base, status: null, errorClass: 'canceled', errorType: 'hedge_lost', requestId: result.failure.requestId, message: why });
    else this.attempt(entry, number, startedAt, result);
  }

  /** An adaptation made for a model (announced once per request). */
  adapted(adaptation: string, model: string): void {
    if (this.adaptations.includes(adaptation)) return;
    this.adaptations.push(adaptation);
    this.emit({ type: 'warning', time: this.now(), code: 'adapted', message: adaptation, model });
  }

  /** `apiMessage`: the API's own message for the failure the request ends with, when it sent one;
   *  `apiRequestId`: the request id of the answer it came with, when that was not the last. */
  fail(errorClass: ErrorClass, message: string, apiMessage?: string, apiRequestId?: string): FailureOutcome {
    // A failure after part of the answer was handed on says what the caller has (never a silent gap).
    const said = this.relay.started && errorClass !== 'canceled' ? `The answer is incomplete: ${this.relay.delivered()} reached the caller. ${message}` : message;
    if (said !== message) this.relay.incomplete(said, errorClass === 'overloaded' ? 'overloaded_error' : errorClass === 'rate_limited' ? 'rate_limit_error' : 'api_error');
    return this.finish({
      ok: false,
      text: this.relay.text,
      clientRequestId: this.clientRequestId,
      attempts: [...this.attempts],
      error: { class: errorClass, message: said, requestIds: [...this.requestIds], ...(apiMessage !== undefined ? { apiMessage } : {}), ...(apiRequestId !== undefined ? { apiRequestId } : {}) },
    });
  }

  canceled(): FailureOutcome {
    return this.fail('canceled', 'The request was canceled.');
  }

  /** Fails with the last failure that says something about the service. */
  failFromLast(prefix: string): FailureOutcome {
    const last = this.lastReachableFailure ?? this.lastFailure;
    if (!last) return this.fail('timeout', `${prefix}no attempt could be made.`);
    return this.fail(last.errorClass, `${prefix}${last.message}`, last.apiMessage);
  }

  /** The answer as the caller received it: the message the relay handed on, whatever its stop reason. */
  succeed(entry: ChainEntry, incomplete: boolean): SuccessOutcome {
    const { model, provider } = entry.route;
    const message = messageOf(this.relay.message(), model, this.clientRequestId);
    const usage = message.usage;
    return this.finish({
      ok: true,
      text: message.content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      model,
      provider,
      stopReason: message.stop_reason,
      incomplete,
      usage: {
        inputTokens: usage.input_tokens ?? 0,
        outputTokens: usage.output_tokens ?? 0,
        cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
        cacheCreationInputTokens: usage.cache_creation_input_tokens ?? 0,
      },
      message,
      adaptations: [...this.adaptations],
      clientRequestId: this.clientRequestId,
      attempts: [...this.attempts],
    });
  }

  private base(entry: ChainEntry, attempt: number, startedAt: number): Omit<AttemptRecord, 'status' | 'errorClass' | 'errorType' | 'requestId'> {
    const { route } = entry;
    return { time: startedAt, provider: route.provider, model: route.model, attempt, latencyMs: this.now() - startedAt, clientRequestId: this.clientRequestId };
  }

  private push(record: AttemptRecord): void {
    this.attempts.push(record);
    if (record.requestId) this.requestIds.push(record.requestId);
    this.emit({ type: 'attempt', ...record });
  }

  private finish<T extends Outcome>(outcome: T): T {
    const now = this.now();
    this.emit({
      type: 'request',
      time: now,
      clientRequestId: this.clientRequestId,
      ok: outcome.ok,
      model: outcome.ok ? outcome.model : null,
      attempts: this.attempts.length,
      errorClass: outcome.ok ? null : outcome.error.class,
      latencyMs: now - this.startedAt,
    });
    return outcome;
  }
}
