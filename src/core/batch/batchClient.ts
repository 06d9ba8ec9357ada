// A small client for the Message Batches API over the official SDK
// (`client.messages.batches`), with the SDK's own retries off (`maxRetries: 0`):
// each call is retried here, with p-retry's jittered exponential backoff, on the
// classes the project's classifier calls retryable (429, 529, 5xx, timeouts),
// honouring `retry-after` up to a cap. Every try is reported with its request id.
import type { MessageBatch, MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';
import { classifyError } from '../classify';
import { sleepWithSignal } from '../clock';
import { BatchApiError, problemFor } from './batchErrors';
import type { BatchApiCall, BatchOperation, BatchRequestSpec } from './batchTypes';

export interface BatchRetryOptions {
  /** Further tries after the first (default 4). */
  readonly retries?: number;
  readonly minTimeoutMs?: number;
  readonly maxTimeoutMs?: number;
  /** A `retry-after` longer than this is not waited out here (default 30 s). */
  readonly maxRetryAfterMs?: number;
}

export interface BatchClientOptions {
  readonly apiKey: string;
  readonly baseURL?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The SDK's timeout for response headers (default 60 s). */
  readonly timeoutMs?: number;
  readonly retry?: BatchRetryOptions;
  /** Every try of every call, as it ends. */
  readonly onCall?: (call: BatchApiCall) => void;
}

export interface WithRequestId<T> {
  readonly data: T;
  /** The server's `request-id` of the try that succeeded. */
  readonly requestId: string | null;
}

async function loadSdk() {
  return (await import('@anthropic-ai/sdk')).Anthropic;
}

/** The SDK's client, as its lazy import types it. */
type Sdk = InstanceType<Awaited<ReturnType<typeof loadSdk>>>;

export class BatchClient {
  private constructor(
    private readonly sdk: Sdk,
    private readonly options: BatchClientOptions,
  ) {}

  /** Loads the SDK on first use, like the request manager does. */
  static async create(options: BatchClientOptions): Promise<BatchClient> {
    const SdkClient = await loadSdk();
    const sdk = new SdkClient({
      apiKey: options.apiKey,
      authToken: null,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: 0,
      timeout: options.timeoutMs ?? 60_000,
      ...(options.headers ? { defaultHeaders: { ...options.headers } } : {}),
    });
    return new BatchClient(sdk, options);
  }

  /**
   * Creates the batch. A create try that failed in a way the server may still have acted on
   * (a 500-class answer other than 529, a timeout, a connection lost after sending) is not
   * simply sent again: the recent batches are looked at first, and one created since the first
   * try with as many requests, not among `knownBatchIds`, is taken as this one — a retry never
   * makes a second batch (and a second bill) out of one submission.
   */
  submit(requests: readonly BatchRequestSpec[], signal?: AbortSignal, knownBatchIds: ReadonlySet<string> = new Set()): Promise<WithRequestId<MessageBatch>> {
    const body = { requests: requests.map((r) => ({ custom_id: r.customId, params: r.params })) };
    const since = Date.now() - CREATED_AT_SKEW_MS;
    let mayExist = false;
    return this.call('create', null, signal, async (s) => {
      if (mayExist) {
        const found = await this.findCreated(requests.length, since, knownBatchIds, s);
        if (found) return found;
      }
      try {
        const { data, request_id } = await this.sdk.messages.batches.create(body, { signal: s, maxRetries: 0 }).withResponse();
        return { data, requestId: request_id ?? null };
      } catch (error) {
        mayExist ||= mayHaveActed(error, s);
        throw error;
      }
    });
  }

  /** A batch the lost create call made, if the recent list shows one. */
  private async findCreated(total: number, since: number, known: ReadonlySet<string>, signal: AbortSignal | undefined): Promise<WithRequestId<MessageBatch> | null> {
    const page = await this.sdk.messages.batches.list({ limit: 20 }, { signal, maxRetries: 0 });
    const match = page.data.find((b) => !known.has(b.id) && Date.parse(b.created_at) >= since && countOf(b) === total);
    return match ? { data: match, requestId: null } : null;
  }

  retrieve(batchId: string, signal?: AbortSignal): Promise<WithRequestId<MessageBatch>> {
    return this.call('retrieve', batchId, signal, async (s) => {
      const { data, request_id } = await this.sdk.messages.batches.retrieve(batchId, {}, { signal: s, maxRetries: 0 }).withResponse();
      return { data, requestId: request_id ?? null };
    });
  }

  cancel(batchId: string, signal?: AbortSignal): Promise<WithRequestId<MessageBatch>> {
    return this.call('cancel', batchId, signal, async (s) => {
      const { data, request_id } = await this.sdk.messages.batches.cancel(batchId, {}, { signal: s, maxRetries: 0 }).withResponse();
      return { data, requestId: request_id ?? null };
    });
  }

  /** Every line of the results file (the SDK streams the `.jsonl`); retried as a whole. */
  results(batchId: string, signal?: AbortSignal): Promise<WithRequestId<MessageBatchIndividualResponse[]>> {
    return this.call('results', batchId, signal, async (s) => {
      const lines: MessageBatchIndividualResponse[] = [];
      const decoder = await this.sdk.messages.batches.results(batchId, {}, { signal: s, maxRetries: 0 });
      for await (const line of decoder) lines.push(line);
      return { data: lines, requestId: null };
    });
  }

  /** The most recent batches of the key's workspace (one page). */
  list(limit = 20, signal?: AbortSignal): Promise<WithRequestId<MessageBatch[]>> {
    return this.call('list', null, signal, async (s) => {
      const page = await this.sdk.messages.batches.list({ limit }, { signal: s, maxRetries: 0 });
      return { data: page.data, requestId: null };
    });
  }

  private async call<T>(
    op: BatchOperation,
    batchId: string | null,
    signal: AbortSignal | undefined,
    run: (signal: AbortSignal | undefined) => Promise<WithRequestId<T>>,
  ): Promise<WithRequestId<T>> {
    const { default: pRetry } = await import('p-retry');
    const retry = this.options.retry ?? {};
    const maxRetryAfterMs = retry.maxRetryAfterMs ?? 30_000;
    let attempt = 0;
    return pRetry(
      async () => {
        attempt++;
        const started = Date.now();
        try {
          const out = await run(signal);
          this.report({ time: started, op, batchId: batchId ?? idOf(out.data), attempt, ok: true, status: 200, errorClass: null, errorType: null, requestId: out.requestId, latencyMs: Date.now() - started });
          return out;
        } catch (error) {
          const c = classifyError(error, { secrets: [this.options.apiKey], localAbort: signal?.aborted ? 'canceled' : null });
          const problem = problemFor(op, c, batchId);
          this.report({
            time: started,
            op,
            batchId,
            attempt,
            ok: false,
            status: c.status,
            errorClass: c.errorClass,
            errorType: c.errorType,
            requestId: c.requestId,
            latencyMs: Date.now() - started,
            message: problem.message,
          });
          throw new BatchApiError(problem, c);
        }
      },
      {
        retries: retry.retries ?? 4,
        minTimeout: retry.minTimeoutMs ?? 1000,
        maxTimeout: retry.maxTimeoutMs ?? 30_000,
        factor: 2,
        randomize: true,
        ...(signal ? { signal } : {}),
        shouldRetry: ({ error }) => error instanceof BatchApiError && error.retryable,
        // A server that names its wait is heard (up to the cap) before p-retry's own backoff.
        onFailedAttempt: async ({ error, retriesLeft }) => {
          const after = error instanceof BatchApiError ? error.classification?.retryAfterMs ?? null : null;
          if (after !== null && retriesLeft > 0 && error instanceof BatchApiError && error.retryable) {
            await sleepWithSignal(Math.min(after, maxRetryAfterMs), signal).catch(() => undefined);
          }
        },
      },
    );
  }

  private report(call: BatchApiCall): void {
    try {
      this.options.onCall?.(call);
    } catch {
      // An observer's failure is not the call's.
    }
  }
}

/** Server and client clocks differ: a batch created up to this long "before" the first try counts. */
const CREATED_AT_SKEW_MS = 120_000;

function countOf(batch: MessageBatch): number {
  const c = batch.request_counts;
  return c.processing + c.succeeded + c.errored + c.canceled + c.expired;
}

/** Could the server have created the batch although the call failed? Not for answers that refuse
 *  before any work (429, 529, 4xx), nor for our own cancel. */
function mayHaveActed(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return false;
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  if (typeof status === 'number') return status >= 500 && status !== 529;
  return true;
}

function idOf(data: unknown): string | null {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && typeof (data as { id?: unknown }).id === 'string'
    ? (data as { id: string }).id
    : null;
}
