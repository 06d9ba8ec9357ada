// Token counting (POST /v1/messages/count_tokens) through the manager. The caller's body reaches
// the API unchanged and the API's answer comes back whole. A count belongs to one model, so there
// is no fallback to another model: the model the body names is asked on each Anthropic route in
// turn (Bedrock and Vertex are not asked to count). A route whose breaker is open is skipped;
// overload, rate limits, server and transport failures are retried with the manager's backoff,
// within its attempts and deadline, and feed the route's breaker as a message request's would
// (a count is cheap: no concurrency slot, no retry budget). A refused body (400) is the API's
// answer and is not tried again. Every attempt is an `attempt` event.
import type { Clock, ManagerConfig } from './contract';
import type { AttemptRecord, CountOutcome, ErrorClass, PassHeaders, RequestEvent } from './types';
import type { ProviderClients } from './providers';
import type { RouteState } from './routeState';
import { classifyError } from './classify';
import { feedsBreaker, policyOf } from './errorClasses';
import { decideWait, initialBackoffState } from './policies/backoff';
import { passHeadersFor } from './passHeaders';
import { makeRoute } from './routes';

export interface CountContext {
  readonly config: ManagerConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly routes: RouteState;
  readonly clients: ProviderClients;
  readonly emit: (event: RequestEvent) => void;
  readonly clientRequestId: string;
  readonly signal: AbortSignal;
  readonly headers?: PassHeaders;
  /** The caller's query string (SendOptions.query). */
  readonly query?: Readonly<Record<string, string>>;
}

/** Counts `body`'s input tokens on the model it names (the first configured model when it names none). */
export async function countTokens(body: Readonly<Record<string, unknown>>, ctx: CountContext): Promise<CountOutcome> {
  const { config, clock, routes, clients, clientRequestId, signal } = ctx;
  const model = typeof body['model'] === 'string' ? body['model'] : config.models[0]!;
  const sent = { ...body, model };
  const attempts: AttemptRecord[] = [];
  const deadline = clock.now() + config.retry.deadlineMs;
  const backoff = { baseDelayMs: config.retry.baseDelayMs, maxDelayMs: config.retry.maxDelayMs, retryAfterCapMs: config.retry.retryAfterCapMs, jitter: config.retry.jitter ?? 'full' };
  let last: { readonly class: ErrorClass; readonly message: string; readonly apiMessage?: string } = { class: 'bad_request', message: `No Anthropic route is configured to count tokens for ${model}.` };
  for (const [index, provider] of config.providers.entries()) {
    if (provider.id !== 'anthropic') continue;
    const route = makeRoute(provider.id, model);
    const breaker = routes.breaker(route);
    let state = initialBackoffState;
    for (let onRoute = 0; onRoute < config.retry.maxAttemptsPerRoute && attempts.length < config.retry.maxAttempts; onRoute++) {
      // A count is light and waits for nobody: a route in doubt (circuitBreaker.ts) admits it.
      const permit = breaker.tryAcquire(true);
      if (permit === null) {
        last = { class: 'overloaded', message: `${model} is resting after repeated failures (its breaker is open).` };
        break;
      }
      const started = clock.now();
      const record = (fields: Pick<AttemptRecord, 'status' | 'errorClass' | 'errorType' | 'requestId'> & { readonly message?: string }): void => {
        const attempt: AttemptRecord = { time: started, provider: provider.id, model, attempt: attempts.length + 1, latencyMs: clock.now() - started, clientRequestId, ...fields };
        attempts.push(attempt);
        ctx.emit({ type: 'attempt', ...attempt });
      };
      let secret = '';
      try {
        const resolved = await clients.clientFor(index, provider, { clientRequestId });
        secret = resolved.secret;
        const count = resolved.client.messages.countTokens;
        if (count === undefined) break;
        const headers = { ...passHeadersFor(provider.id, ctx.headers), 'x-client-request-id': clientRequestId };
        const { data, response } = await count.call(resolved.client.messages, sent, { signal, maxRetries: 0, timeout: config.headersTimeoutMs, headers, ...(ctx.query ? { query: ctx.query } : {}) }).withResponse();
        breaker.recordSuccess(permit);
        record({ status: response.status, errorClass: null, errorType: null, requestId: response.headers.get('request-id') });
        return { ok: true, answer: data, model, clientRequestId, attempts };
      } catch (error) {
        const c = classifyError(error, { secrets: secret === '' ? [] : [secret], now: clock.now(), localAbort: signal.aborted ? 'canceled' : null });
        if (feedsBreaker(c.errorClass)) breaker.recordFailure(permit, c.errorClass);
        else breaker.release(permit);
        record({ status: c.status, errorClass: c.errorClass, errorType: c.errorType, requestId: c.requestId, message: c.message });
        last = { class: c.errorClass, message: c.message, ...(c.apiMessage !== undefined ? { apiMessage: c.apiMessage } : {}) };
        // A refused body (400) is the API's answer, the same on every route; a cancel stops at once.
        if (c.errorClass === 'canceled' || c.errorClass === 'bad_request') return failed(last, attempts, clientRequestId);
        // No key, a spent limit, an unreachable gateway: another Anthropic route may still count.
        if (!policyOf(c.errorClass).retryRoute) break;
        const wait = decideWait(backoff, state, c.retryAfterMs, ctx.random);
        if (wait.kind === 'fall_back' || clock.now() + wait.delayMs >= deadline) break;
        state = wait.state;
        try {
          await clock.sleep(wait.delayMs, signal);
        } catch {
          return failed({ class: 'canceled', message: 'The request was canceled.' }, attempts, clientRequestId);
        }
      }
    }
  }
  return failed(last, attempts, clientRequestId);
}

function failed(error: { readonly class: ErrorClass; readonly message: string; readonly apiMessage?: string }, attempts: readonly AttemptRecord[], clientRequestId: string): CountOutcome {
  const requestIds = attempts.map((a) => a.requestId).filter((id): id is string => id !== null);
  return { ok: false, clientRequestId, attempts, error: { ...error, requestIds } };
}
