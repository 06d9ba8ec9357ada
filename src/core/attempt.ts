// One attempt on one route: a streaming request through the SDK with our own
// timers — no response headers in time, or a response that stays silent for
// longer than the stall watchdog allows (liveness counted in complete events on
// the raw stream, so the API's pings keep a slow answer alive and a trickle of
// junk bytes does not) — and every failure classified.
// Parts reach the assembler's sink as they arrive; `message_stop` ends the answer
// even if the server keeps the connection open. The first content is announced
// before it is handed on, so a hedged pair can decide which attempt wins.
import type { Classification, LocalAbortReason } from './classify';
import { classifyError } from './classify';
import type { Clock } from './contract';
import { eventTap } from './eventTap';
import { sanitizeServerToken } from './serverValues';
import type { StallLimits } from './policies/stallWatchdog';
import { StallWatchdog } from './policies/stallWatchdog';
import { AttemptWatch } from './attemptWatch';
import { releaseAfterStop } from './bodyEnd';
import type { HeaderReader, MessagesClient, RawStreamEvent, StreamParams } from './wire';

/** Where an attempt's events go as they arrive (answerRelay.ts's AttemptFeed). */
export interface AttemptSink {
  accept(event: RawStreamEvent): void;
  /** message_stop arrived: the answer is whole, whatever its stop reason. */
  readonly sawStop: boolean;
}

export interface AttemptInput {
  readonly client: MessagesClient;
  readonly params: StreamParams;
  readonly assembler: AttemptSink;
  /** Headers of the caller's that go with the request (anthropic-beta, anthropic-version). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The caller's query string for the Messages path (SendOptions.query; the Anthropic API's only). */
  readonly query?: Readonly<Record<string, string>>;
  readonly headersTimeoutMs: number;
  /** Silence allowed before and after the first content. */
  readonly stall: StallLimits;
  /** The attempt's timers run on this clock. */
  readonly clock: Clock;
  /** Time (on `clock`) after which the attempt is aborted as a timeout. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** Handed, before the attempt first waits, the function that cuts it short (canceled) — a
   *  hedged pair's loser is stopped with it, without a signal of its own. */
  readonly abortable?: (abort: () => void) => void;
  readonly clientRequestId: string;
  readonly secrets: readonly string[];
  /** The provider's name, for messages that must say whose credentials failed. */
  readonly providerName: string;
  readonly onHeaders?: (headers: HeaderReader) => void;
  /** The first content (a content block starts) is about to be handed on; false = this attempt
   *  lost a race and must stop without handing anything on. */
  readonly onFirstContent?: (requestId: string | null) => boolean;
  /** The first event of the response body arrived (the server is working on it). */
  readonly onBody?: () => void;
  /** The response went silent for too long (called once, before the attempt is cut). */
  readonly onStall?: (silentMs: number, flowing: boolean) => void;
}

export interface AttemptSuccess {
  readonly ok: true;
  /** Milliseconds from the start of the attempt to its first content (null when it had none). */
  readonly firstContentMs: number | null;
  /** Milliseconds from the response headers to the first event of its body (null when none came). */
  readonly bodyStartMs: number | null;
  readonly status: number;
  readonly requestId: string | null;
}

export interface AttemptFailure {
  readonly ok: false;
  readonly firstContentMs: number | null;
  readonly bodyStartMs: number | null;
  readonly failure: Classification;
  /** Headers of the failed response, when there was one (for pacing). */
  readonly headers: HeaderReader | null;
}

export type AttemptResult = AttemptSuccess | AttemptFailure;

class TruncatedStream extends Error {
  constructor() {
    super('The stream ended before message_stop.');
    this.name = 'TruncatedStream';
  }
}

class IdleTimeout extends Error {
  constructor() {
    super('The response stopped arriving.');
    this.name = 'IdleTimeout';
  }
}

function headersOf(error: unknown): HeaderReader | null {
  if (typeof error !== 'object' || error === null) return null;
  const headers = (error as { headers?: unknown }).headers;
  if (typeof headers === 'object' && headers !== null && typeof (headers as HeaderReader).get === 'function') {
    return headers as HeaderReader;
  }
  return null;
}

function hostOf(baseURL: string | undefined): string | null {
  if (!baseURL) return null;
  try {
    return new URL(baseURL).host;
  } catch {
    return null;
  }
}

/** The reason every abort of ours gives: the platform's own kind, made once (one per abort costs a stack trace). */
const ABORTED = new DOMException('This operation was aborted', 'AbortError');

function isContent(event: RawStreamEvent): boolean {
  return event.type === 'content_block_start' || event.type === 'content_block_delta';
}

export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const { clock } = input;
  const startedAt = clock.now();
  const controller = new AbortController();
  let localAbort: LocalAbortReason | null = null;
  let headersIn = false;
  let headersAt = startedAt;
  let bodyStartMs: number | null = null;
  /** Bytes may already wait in the socket while this process was busy: a silent response is looked
   *  at once more after pending I/O before it is called silent. */
  let lookedAgain = false;
  let lookingAgain = false;
  // One watcher for the whole attempt: headers in time, then no silence beyond the watchdog's limit.
  const watchdog = new StallWatchdog(input.stall, startedAt);
  const dueAt = (): number =>
    lookingAgain ? Number.POSITIVE_INFINITY : Math.min(input.deadline, headersIn ? watchdog.stalledAt() : startedAt + input.headersTimeoutMs);
  const check = (): void => {
    const now = clock.now();
    if (now >= input.deadline) return abort('deadline');
    if (!headersIn) {
      if (now >= startedAt + input.headersTimeoutMs) abort('headers_timeout');
      return;
    }
    if (now < watchdog.stalledAt()) {
      lookedAgain = false;
      return;
    }
    if (!lookedAgain) {
      lookedAgain = true;
      lookingAgain = true;
      setImmediate(() => {
        lookingAgain = false;
        if (!watch.active) return;
        check();
        watch.arm();
      });
      return;
    }
    input.onStall?.(watchdog.silentFor(now), watchdog.flowing);
    abort('idle_timeout');
  };
  const watch = new AttemptWatch(clock, dueAt, check);

  // An abort (the user's, a timer's, or a hedge won elsewhere) ends the wait even if the transport would not.
  let interrupt: ((error: Error) => void) | null = null;
  const abort = (reason: LocalAbortReason): void => {
    if (localAbort === null) localAbort = reason;
    watch.stop();
    controller.abort(ABORTED);
    const stop = interrupt;
    interrupt = null;
    stop?.(new IdleTimeout());
  };
  /** The work, cut short by an abort: one promise per wait, nothing left on a long-lived one. */
  const race = <T>(work: Promise<T>): Promise<T> => {
    if (controller.signal.aborted) {
      work.catch(() => undefined);
      return Promise.reject(new IdleTimeout());
    }
    return new Promise<T>((resolve, reject) => {
      interrupt = reject;
      work.then(resolve, reject);
    });
  };
  const onUserAbort = (): void => abort('canceled');
  if (input.signal?.aborted) abort('canceled');
  input.signal?.addEventListener('abort', onUserAbort, { once: true });
  input.abortable?.(onUserAbort);
  watch.arm();

  /** The raw tap counts this response's events; the SDK's are counted only without one. */
  let tapped = false;
  /** A complete event arrived (from the raw tap, or the SDK's for a transport without a tap). */
  const sawEvent = (): void => {
    const first = !watchdog.bodyStarted;
    const now = clock.now();
    watchdog.event(now);
    if (first) {
      bodyStartMs = headersIn ? Math.max(0, now - headersAt) : 0;
      watch.arm();
      input.onBody?.();
    }
  };

  let status: number | null = null;
  let requestId: string | null = null;
  let firstContentMs: number | null = null;
  /** A finished answer's stream, read to its end so its connection can serve the next request. */
  let finished: AsyncIterator<unknown> | null = null;
  try {
    const { data, response } = await race(
      input.client.messages
        .create(input.params, {
          signal: controller.signal,
          maxRetries: 0,
          // Our own timer governs; the SDK's is a backstop a little later.
          timeout: input.headersTimeoutMs + 1000,
          headers: { ...input.headers, 'x-client-request-id': input.clientRequestId },
          ...(input.query ? { query: input.query } : {}),
          middleware: [
            eventTap(sawEvent, () => {
              tapped = true;
            }),
          ],
        })
        .withResponse(),
    );
    headersIn = true;
    headersAt = clock.now();
    watchdog.headers(headersAt);
    watch.arm();
    status = response.status;
    requestId = sanitizeServerToken(response.headers.get('request-id'), input.secrets);
    input.onHeaders?.(response.headers);

    const iterator = data[Symbol.asyncIterator]();
    const assembler = input.assembler;
    while (!assembler.sawStop) {
      const step = await race(iterator.next());
      if (step.done) break;
      if (!tapped) sawEvent();
      if (firstContentMs === null && isContent(step.value)) {
        const now = clock.now();
        if (input.onFirstContent?.(requestId) === false) {
          abort('canceled');
          break;
        }
        firstContentMs = now - startedAt;
        watchdog.content(now);
        watch.arm();
      }
      assembler.accept(step.value);
    }
    // The SDK ends the iteration quietly when aborted; a stream cut short is never a success.
    if (!assembler.sawStop) throw new TruncatedStream();
    finished = iterator;
    return { ok: true, status: status ?? 200, requestId, firstContentMs, bodyStartMs };
  } catch (error) {
    const failure = classifyError(error, {
      localAbort,
      secrets: input.secrets,
      host: hostOf(input.client.baseURL),
      providerName: input.providerName,
    });
    const withIds: Classification = {
      ...failure,
      requestId: failure.requestId ?? requestId,
      status: failure.status ?? (status !== null && status !== 200 ? status : null),
    };
    return { ok: false, failure: withIds, headers: headersOf(error), firstContentMs, bodyStartMs };
  } finally {
    watch.stop();
    interrupt = null;
    input.signal?.removeEventListener('abort', onUserAbort);
    // Releases the socket of a failed or stalled attempt at once, a finished one's once its body ends.
    const release = (): void => {
      if (!controller.signal.aborted) controller.abort(ABORTED);
    };
    if (finished !== null && !controller.signal.aborted) releaseAfterStop(finished, release);
    else release();
  }
}
