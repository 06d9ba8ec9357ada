// One attempt on one route: a streaming request through the SDK with our own
// timers — no response headers in time, or a body that goes idle after the
// headers (the SDK's timeout stops at the headers) — and every failure
// classified. Parts reach the assembler's sink as they arrive; `message_stop`
// ends the answer even if the server keeps the connection open.
import type { Classification, LocalAbortReason } from './classify';
import { classifyError } from './classify';
import { sanitizeServerToken } from './serverValues';
import type { MessageAssembler } from './messageAssembler';
import type { HeaderReader, MessagesClient, RawStreamEvent, StreamParams } from './wire';

export interface AttemptInput {
  readonly client: MessagesClient;
  readonly params: StreamParams;
  readonly assembler: MessageAssembler;
  readonly headersTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Epoch ms (wall clock) after which the attempt is aborted as a timeout. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly clientRequestId: string;
  readonly secrets: readonly string[];
  /** The provider's name, for messages that must say whose credentials failed. */
  readonly providerName: string;
  readonly onHeaders?: (headers: HeaderReader) => void;
}

export interface AttemptSuccess {
  readonly ok: true;
  readonly status: number;
  readonly requestId: string | null;
}

export interface AttemptFailure {
  readonly ok: false;
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

export async function runAttempt(input: AttemptInput): Promise<AttemptResult> {
  const controller = new AbortController();
  let localAbort: LocalAbortReason | null = null;
  const abort = (reason: LocalAbortReason): void => {
    if (localAbort === null) localAbort = reason;
    controller.abort();
  };
  const onUserAbort = (): void => abort('canceled');
  if (input.signal?.aborted) abort('canceled');
  input.signal?.addEventListener('abort', onUserAbort, { once: true });

  /** Arms a timer that fires at the earlier of `ms` from now and the deadline. */
  const arm = (ms: number, reason: LocalAbortReason, onFire?: () => void): ReturnType<typeof setTimeout> => {
    const untilDeadline = input.deadline - Date.now();
    const useDeadline = untilDeadline <= ms;
    return setTimeout(
      () => {
        abort(useDeadline ? 'deadline' : reason);
        onFire?.();
      },
      Math.max(0, useDeadline ? untilDeadline : ms),
    );
  };

  let status: number | null = null;
  let requestId: string | null = null;
  let timer = arm(input.headersTimeoutMs, 'headers_timeout');
  try {
    const { data, response } = await input.client.messages
      .create(input.params, {
        signal: controller.signal,
        maxRetries: 0,
        // Our own timer governs; the SDK's is a backstop a little later.
        timeout: input.headersTimeoutMs + 1000,
        headers: { 'x-client-request-id': input.clientRequestId },
      })
      .withResponse();
    clearTimeout(timer);
    status = response.status;
    requestId = sanitizeServerToken(response.headers.get('request-id'), input.secrets);
    input.onHeaders?.(response.headers);

    const iterator = data[Symbol.asyncIterator]();
    const assembler = input.assembler;
    while (!assembler.sawStop) {
      let rejectIdle: (error: Error) => void = () => undefined;
      const idle = new Promise<never>((_, reject) => {
        rejectIdle = reject;
      });
      timer = arm(input.idleTimeoutMs, 'idle_timeout', () => rejectIdle(new IdleTimeout()));
      let step: IteratorResult<RawStreamEvent>;
      try {
        step = await Promise.race([iterator.next(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (step.done) break;
      assembler.accept(step.value);
    }
    // The SDK ends the iteration quietly when aborted; a stream cut short is never a success.
    if (!assembler.sawStop) throw new TruncatedStream();
    return { ok: true, status: status ?? 200, requestId };
  } catch (error) {
    clearTimeout(timer);
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
    return { ok: false, failure: withIds, headers: headersOf(error) };
  } finally {
    input.signal?.removeEventListener('abort', onUserAbort);
    // Releases the socket of a failed, stalled or finished-but-open attempt.
    if (!controller.signal.aborted) controller.abort();
  }
}
