// One request's journey through the chain: pick an available route, wait for
// pacing and the limiter, run an attempt, classify, and decide — done, wait and
// retry the same route, fall back to the next route, or fail with a clear error.
import type { Clock, ManagerConfig } from './contract';
import type {
  AttemptRecord,
  ClaudeRequest,
  ErrorClass,
  FailureOutcome,
  ManagerEvent,
  Outcome,
  Priority,
  Route,
  SuccessOutcome,
} from './types';
import type { Classification } from './classify';
import { describeClass } from './classify';
import { runAttempt } from './attempt';
import type { BackoffState } from './policies/backoff';
import { decideWait, initialBackoffState } from './policies/backoff';
import { RequestBounds } from './policies/bounds';
import { feedsBreaker } from './policies/circuitBreaker';
import type { BreakerPermit } from './policies/circuitBreaker';
import type { SkipReason } from './policies/fallbackChain';
import { buildChain, isUnfit } from './policies/fallbackChain';
import type { ConcurrencyLimiter, Release } from './policies/limiter';
import type { ProviderClients, ResolvedClient } from './providers';
import { ProviderSetupError } from './providers';
import { CanceledError } from './clock';
import { estimateTokens, formatDuration } from './models';
import { routeKey, sameRoute } from './routes';
import type { RouteState } from './routeState';
import type { WireMessage } from './wire';

export interface RunDependencies {
  readonly config: ManagerConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly routes: RouteState;
  readonly limiter: ConcurrencyLimiter;
  readonly clients: ProviderClients;
  readonly emit: (event: ManagerEvent) => void;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly priority: Priority;
  readonly clientRequestId: string;
  readonly onText: (delta: string) => void;
}

interface ChainEntry {
  readonly route: Route;
  readonly providerIndex: number;
}

type Pick =
  | { readonly kind: 'route'; readonly index: number; readonly permit: BreakerPermit }
  | { readonly kind: 'none'; readonly earliestProbe: number | null };

const TIMEOUT_ATTEMPTS_PER_ROUTE = 2;

const RETRYABLE: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['overloaded', 'transient', 'timeout', 'rate_limited']);

function validateRequest(request: ClaudeRequest): string | null {
  if (!request || !Array.isArray(request.messages) || request.messages.length === 0) return 'The request has no messages.';
  for (const message of request.messages) {
    if (message.role !== 'user' && message.role !== 'assistant') return `Unknown message role ${JSON.stringify(message.role)}.`;
    if (typeof message.content !== 'string') return 'Every message content must be text.';
  }
  if (request.messages[0]?.role !== 'user') return 'The first message must come from the user.';
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) return `maxTokens must be a positive integer (got ${String(request.maxTokens)}).`;
  return null;
}

/** Builds the wire messages; a partial answer becomes an assistant prefill (no trailing whitespace allowed). */
function withPrefill(request: ClaudeRequest, delivered: string): { messages: WireMessage[]; skip: string } {
  const messages: WireMessage[] = request.messages.map((m) => ({ role: m.role, content: m.content }));
  if (delivered === '') return { messages, skip: '' };
  const last = messages[messages.length - 1];
  const base = last && last.role === 'assistant' ? last.content : '';
  const full = base + delivered;
  const trimmed = full.trimEnd();
  const skip = full.slice(trimmed.length);
  if (last && last.role === 'assistant') messages[messages.length - 1] = { role: 'assistant', content: trimmed };
  else messages.push({ role: 'assistant', content: trimmed });
  return { messages, skip };
}

/** Waits for a limiter slot, giving up when the request is canceled or its deadline passes. */
async function acquireBefore(limiter: ConcurrencyLimiter, priority: Priority, signal: AbortSignal, withinMs: number): Promise<Release> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) controller.abort();
  const timer = setTimeout(onAbort, Math.max(1, withinMs));
  try {
    return await limiter.acquire(priority, controller.signal);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

export async function runRequest(deps: RunDependencies, request: ClaudeRequest, options: RunOptions): Promise<Outcome> {
  const { config, clock, routes, emit } = deps;
  const clientRequestId = options.clientRequestId;
  const startedAt = clock.now();
  const attempts: AttemptRecord[] = [];
  const requestIds: string[] = [];
  let delivered = '';
  let lastFailure: Classification | null = null;

  const finish = <T extends Outcome>(outcome: T): T => {
    emit({
      type: 'request',
      time: clock.now(),
      clientRequestId,
      ok: outcome.ok,
      model: outcome.ok ? outcome.model : null,
      attempts: attempts.length,
      errorClass: outcome.ok ? null : outcome.error.class,
      latencyMs: clock.now() - startedAt,
    });
    return outcome;
  };
  const fail = (errorClass: ErrorClass, message: string): FailureOutcome =>
    finish({ ok: false, text: delivered, clientRequestId, attempts: [...attempts], error: { class: errorClass, message, requestIds: [...requestIds] } });
  const failFromLast = (prefix: string): FailureOutcome =>
    lastFailure ? fail(lastFailure.errorClass, `${prefix}${lastFailure.message}`) : fail('timeout', `${prefix}no attempt could be made.`);

  const problem = validateRequest(request);
  if (problem) return fail('bad_request', problem);

  const providerIds = config.providers.map((p) => p.id);
  const chain: ChainEntry[] = buildChain(config.models, providerIds, request.model).map((route, i) => ({
    route,
    providerIndex: i % providerIds.length,
  }));
  const bounds = new RequestBounds(config.retry, startedAt);
  const estimatedInput = estimateTokens((request.system ?? '') + request.messages.map((m) => m.content).join('\n'));
  const countedOn = new Set<string>();
  let index = 0;
  let backoff: BackoffState = initialBackoffState;
  let leftReason: SkipReason | ErrorClass | null = null;
  let lastRoute: Route = chain[0]!.route;
  let budgetWarned = false;
  let skipPrefix = '';

  const moveOn = (reason: SkipReason | ErrorClass): void => {
    index += 1;
    backoff = initialBackoffState;
    leftReason ??= reason;
  };

  const pickRoute = (): Pick => {
    let earliestProbe: number | null = null;
    for (let i = index; i < chain.length; i++) {
      const { route } = chain[i]!;
      const key = routeKey(route);
      let skip: SkipReason | null = null;
      if (routes.unknownModels.isUnknown(route)) skip = 'unknown_model';
      else if (isUnfit(route, estimatedInput, request.maxTokens)) skip = 'unfit';
      else if (!bounds.canAttemptOn(key, clock.now())) skip = null;
      else {
        const breaker = routes.breaker(route);
        const permit = breaker.tryAcquire();
        if (permit) return { kind: 'route', index: i, permit };
        skip = 'breaker_open';
        const probe = breaker.nextProbeAt();
        if (probe !== null) earliestProbe = earliestProbe === null ? probe : Math.min(earliestProbe, probe);
      }
      if (i === index) {
        index = i + 1;
        backoff = initialBackoffState;
        leftReason ??= skip ?? lastFailure?.errorClass ?? 'unfit';
      }
    }
    return { kind: 'none', earliestProbe };
  };

  /** Is a route after the current one closed-breaker and usable for this request? */
  const healthyLaterRoute = (): boolean => {
    for (let i = index + 1; i < chain.length; i++) {
      const { route } = chain[i]!;
      if (routes.unknownModels.isUnknown(route) || isUnfit(route, estimatedInput, request.maxTokens)) continue;
      if (!bounds.canAttemptOn(routeKey(route), clock.now())) continue;
      if (routes.breaker(route).currentState() === 'closed') return true;
    }
    return false;
  };

  const sleep = async (delayMs: number, reason: ErrorClass, route: Route): Promise<boolean> => {
    emit({ type: 'wait', time: clock.now(), clientRequestId, provider: route.provider, model: route.model, delayMs, reason, nextAttempt: bounds.attemptsMade + 1 });
    try {
      await clock.sleep(delayMs, options.signal);
      return true;
    } catch {
      return false;
    }
  };

  for (;;) {
    if (options.signal.aborted) return fail('canceled', 'The request was canceled.');
    const now = clock.now();
    if (!bounds.canAttempt(now)) {
      if (now >= bounds.deadline) return failFromLast(`No answer within ${formatDuration(config.retry.deadlineMs)}. `);
      return failFromLast(`Gave up after ${bounds.attemptsMade} attempts. `);
    }

    const picked = pickRoute();
    if (picked.kind === 'none') {
      const waitMs = picked.earliestProbe === null ? null : Math.max(0, picked.earliestProbe - clock.now());
      if (waitMs !== null && waitMs <= config.retry.retryAfterCapMs && bounds.fitsWait(clock.now(), waitMs)) {
        // Every remaining route is open; the nearest probe comes soon enough to wait for.
        if (!(await sleep(waitMs, lastFailure?.errorClass ?? 'overloaded', chain[0]!.route))) return fail('canceled', 'The request was canceled.');
        index = 0;
        continue;
      }
      if (lastFailure) return failFromLast(chain.length > 1 ? 'No model in the chain could answer. Last error: ' : '');
      return fail('overloaded', 'Every model in the chain is unavailable right now (circuit open). Try again shortly.');
    }

    index = picked.index;
    const entry = chain[index]!;
    const route = entry.route;
    const key = routeKey(route);
    const breaker = routes.breaker(route);
    const permit = picked.permit;
    if (!sameRoute(route, lastRoute) && leftReason !== null) {
      emit({ type: 'fallback', time: clock.now(), clientRequestId, from: lastRoute, to: route, reason: leftReason });
    }
    leftReason = null;
    lastRoute = route;

    // Pacing: hold while the route's rate limit is exhausted, or go elsewhere if the hold is long.
    const hold = routes.pacer.delayFor(key);
    if (hold > 0) {
      if (hold > config.retry.retryAfterCapMs || !bounds.fitsWait(clock.now(), hold)) {
        breaker.release(permit);
        moveOn('rate_limited');
        continue;
      }
      if (!(await sleep(hold, 'rate_limited', route))) {
        breaker.release(permit);
        return fail('canceled', 'The request was canceled.');
      }
    }

    let resolved: ResolvedClient;
    try {
      resolved = await deps.clients.clientFor(entry.providerIndex, config.providers[entry.providerIndex]!);
    } catch (error) {
      breaker.release(permit);
      if (error instanceof ProviderSetupError && error.kind === 'missing_api_key') {
        return fail('auth', `${describeClass('auth')}: ${error.message}`);
      }
      const message = error instanceof Error ? error.message : 'The provider could not be set up.';
      emit({ type: 'warning', time: clock.now(), code: 'config', message: `${route.provider}: ${message}`, model: route.model });
      moveOn('unfit');
      continue;
    }

    let release: Release;
    try {
      release = await acquireBefore(deps.limiter, options.priority, options.signal, bounds.remainingMs(clock.now()));
    } catch (error) {
      breaker.release(permit);
      if (options.signal.aborted || !(error instanceof CanceledError)) return fail('canceled', 'The request was canceled.');
      return failFromLast(`No answer within ${formatDuration(config.retry.deadlineMs)}. `);
    }

    const attemptNumber = bounds.recordAttempt(key);
    if (!countedOn.has(key)) {
      countedOn.add(key);
      routes.budget(route).recordRequest();
    }
    const prefill = withPrefill(request, delivered);
    const continuing = delivered !== '';
    skipPrefix = prefill.skip;
    const attemptStart = clock.now();
    let result;
    try {
      result = await runAttempt({
        client: resolved.client,
        model: route.model,
        messages: prefill.messages,
        ...(request.system !== undefined ? { system: request.system } : {}),
        maxTokens: request.maxTokens,
        headersTimeoutMs: config.headersTimeoutMs,
        idleTimeoutMs: config.idleTimeoutMs,
        deadline: Date.now() + bounds.remainingMs(clock.now()),
        signal: options.signal,
        clientRequestId,
        secrets: resolved.secret ? [resolved.secret] : [],
        onText: (delta) => {
          let text = delta;
          while (skipPrefix !== '' && text !== '' && text[0] === skipPrefix[0]) {
            text = text.slice(1);
            skipPrefix = skipPrefix.slice(1);
          }
          if (text === '') return;
          skipPrefix = '';
          delivered += text;
          options.onText(text);
        },
        onHeaders: (headers) => routes.pacer.observe(key, headers),
      });
    } finally {
      release();
    }

    const base = {
      time: attemptStart,
      provider: route.provider,
      model: route.model,
      attempt: attemptNumber,
      latencyMs: clock.now() - attemptStart,
      clientRequestId,
    };
    if (result.ok) {
      const record: AttemptRecord = { ...base, status: result.status, errorClass: null, errorType: null, requestId: result.requestId };
      attempts.push(record);
      if (result.requestId) requestIds.push(result.requestId);
      emit({ type: 'attempt', ...record });
      breaker.recordSuccess(permit);
      const success: SuccessOutcome = {
        ok: true,
        text: delivered,
        model: route.model,
        provider: route.provider,
        stopReason: result.stopReason,
        incomplete: false,
        usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens },
        clientRequestId,
        attempts: [...attempts],
      };
      return finish(success);
    }

    const failure = result.failure;
    const record: AttemptRecord = {
      ...base,
      status: failure.status,
      errorClass: failure.errorClass,
      errorType: failure.errorType,
      requestId: failure.requestId,
      message: failure.message,
    };
    attempts.push(record);
    if (failure.requestId) requestIds.push(failure.requestId);
    emit({ type: 'attempt', ...record });
    if (failure.errorClass === 'canceled') breaker.release(permit);
    else breaker.recordFailure(permit, failure.errorClass);
    routes.pacer.observe(key, result.headers);
    if (failure.errorClass === 'rate_limited' && failure.retryAfterMs !== null) {
      routes.pacer.hold(key, clock.now() + failure.retryAfterMs);
    }
    lastFailure = failure;

    switch (failure.errorClass) {
      case 'canceled':
        return fail('canceled', 'The request was canceled.');
      case 'auth':
      case 'spend_limit':
        return fail(failure.errorClass, failure.message);
      case 'bad_request':
        if (failure.unknownModel) {
          routes.unknownModels.remember(route);
          emit({
            type: 'warning',
            time: clock.now(),
            code: 'unknown_model',
            message: `The API does not know the model ${route.model}; skipping it for now.`,
            model: route.model,
          });
          moveOn('unknown_model');
          continue;
        }
        if (continuing) {
          // The route would not take the partial answer as a prefill: keep what was delivered.
          return finish({
            ok: true,
            text: delivered,
            model: route.model,
            provider: route.provider,
            stopReason: null,
            incomplete: true,
            usage: { inputTokens: 0, outputTokens: 0 },
            clientRequestId,
            attempts: [...attempts],
          });
        }
        return fail('bad_request', failure.message);
      default:
        break;
    }
    if (!RETRYABLE.has(failure.errorClass)) return fail(failure.errorClass, failure.message);

    const at = clock.now();
    // A timeout is retried once on a fresh connection; a route that stalls twice is likely to stall again.
    const timedOutTwice = failure.errorClass === 'timeout' && bounds.attemptsOn(key) >= TIMEOUT_ATTEMPTS_PER_ROUTE;
    if (!bounds.canAttemptOn(key, at) || !breaker.isAvailable() || timedOutTwice) {
      moveOn(failure.errorClass);
      continue;
    }
    // A lone overload or transient burst earns a short backoff on the route. When other
    // requests are failing there too (the breaker's streak is longer than this request's
    // own and one failure from opening it) and a later route is healthy, sleeping here
    // only delays the answer: fall back at once.
    if (feedsBreaker(failure.errorClass) && breaker.failingBeyond(bounds.attemptsOn(key)) && healthyLaterRoute()) {
      moveOn(failure.errorClass);
      continue;
    }
    const decision = decideWait(
      { ...config.retry, jitter: config.retry.jitter ?? 'full' },
      backoff,
      failure.retryAfterMs,
      deps.random,
    );
    if (decision.kind === 'fall_back' || !bounds.fitsWait(at, decision.delayMs)) {
      moveOn(failure.errorClass);
      continue;
    }
    if (!routes.budget(route).tryAcquireRetry()) {
      if (!budgetWarned) {
        budgetWarned = true;
        emit({
          type: 'warning',
          time: clock.now(),
          code: 'budget_exhausted',
          message: `Retry budget for ${route.model} is spent; not retrying it for now.`,
          model: route.model,
        });
      }
      moveOn(failure.errorClass);
      continue;
    }
    backoff = decision.state;
    if (!(await sleep(decision.delayMs, failure.errorClass, route))) return fail('canceled', 'The request was canceled.');
  }
}
