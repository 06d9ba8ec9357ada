// The request manager: owns the long-lived state (breakers, budgets, pacing,
// the limiter, lazily created SDK clients) and runs each request through it.
// In the broker that state is shared by every manager of the user (sharedRoutes.ts).
// `send` and `stream` never reject — every failure is a FailureOutcome.
import type { TailState } from './tailState';
import type { CredentialClaims, CredentialRequest, ManagerConfig, RelayManager } from './contract';
import type { BreakerSnapshot, ClaudeRequest, CountOutcome, ManagerEvent, Outcome, RelayStream, RequestEvent, Route, SendOptions } from './types';
import type { RelayItem, RelayView } from './answerRelay';
import { systemClock } from './clock';
import type { ConcurrencyLimiter } from './policies/limiter';
import { ProviderClients } from './providers';
import { RouteState } from './routeState';
import { clientRequestIdProblem, newClientRequestId } from './clientRequestId';
import { DEFAULT_HOLD_CAP_MS, runRequest } from './requestRun';
import type { SharedRoutes } from './sharedRoutes';
import { applySharedPolicies, createSharedRoutes, DEFAULT_UNKNOWN_MODEL_TTL_MS } from './sharedRoutes';
import { forgetChangedRoutes } from './configChange';
import { registeredSecrets } from './secretRegistry';
import { redactSecrets, shortMessage } from './redact';
import { TextQueue } from './textQueue';
import { Emitter } from '../shared/emitter';
import type { Unsubscribe } from '../shared/emitter';
import { requestStream } from './requestStream';
import { countTokens } from './tokenCount';
import { safeClientLabel } from './requestClient';
import { credentialScopes } from './credentialScope';

interface ClaimedId {
  readonly clientRequestId: string;
  /** Why the caller's id was refused (the request then fails as bad_request), or null. */
  readonly problem: string | null;
  /** True when the id is the caller's and is held in idsInFlight until the request ends. */
  readonly owned?: boolean;
}

class ResilientRequestManager implements RelayManager, CredentialClaims {
  private config: ManagerConfig;
  private readonly events = new Emitter<[ManagerEvent]>();
  private readonly routes: RouteState;
  private readonly tail: TailState;
  private readonly limiter: ConcurrencyLimiter;
  private readonly clients: ProviderClients;
  private readonly inFlight = new Set<AbortController>();
  /** Client request ids of the requests in flight: a caller's id must not name two at once. */
  private readonly idsInFlight = new Set<string>();
  private disposed = false;

  constructor(config: ManagerConfig, shared?: SharedRoutes) {
    this.config = config;
    const clock = config.clock ?? systemClock;
    // A manager joining shared state brings its settings: the latest win (sharedRoutes.ts).
    if (shared) applySharedPolicies(shared, config);
    const state = shared ?? createSharedRoutes(config);
    this.routes = new RouteState(
      config.breaker,
      config.budget,
      clock,
      (e) => this.emit(e),
      config.unknownModelTtlMs ?? DEFAULT_UNKNOWN_MODEL_TTL_MS,
      config.retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS,
      config.providers,
      state.store,
    );
    this.tail = state.tail;
    this.limiter = state.limiter;
    this.clients = new ProviderClients(config.headersTimeoutMs);
  }

  send(request: ClaudeRequest, options: SendOptions = {}): Promise<Outcome> {
    return this.execute(request, options, this.claimId(options), { onItem: () => undefined, view: () => 'none' }, new AbortController());
  }

  stream(request: ClaudeRequest, options: SendOptions = {}): RelayStream {
    const controller = new AbortController();
    const queue = new TextQueue<RelayItem>(() => controller.abort());
    const id = this.claimId(options);
    let view: () => RelayView = () => options.reads ?? 'events';
    const outcome = this.execute(request, options, id, { onItem: (item) => queue.push(item), view: () => view() }, controller).finally(() => queue.end());
    const viewed = requestStream(queue, outcome, id.clientRequestId, options.reads);
    view = viewed.view;
    return viewed.stream;
  }

  async countTokens(body: Readonly<Record<string, unknown>>, options: SendOptions = {}): Promise<CountOutcome> {
    const id = this.claimId(options);
    const { clientRequestId } = id;
    if (id.problem !== null) return { ok: false, clientRequestId, attempts: [], error: { class: 'bad_request', message: id.problem, requestIds: [] } };
    const controller = new AbortController();
    const onExternalAbort = (): void => controller.abort();
    if (options.signal?.aborted || this.disposed) controller.abort();
    options.signal?.addEventListener('abort', onExternalAbort, { once: true });
    this.inFlight.add(controller);
    try {
      const config = this.config;
      return await countTokens(body, {
        config,
        clock: config.clock ?? systemClock,
        random: config.random ?? Math.random,
        routes: this.routes,
        clients: this.clients,
        emit: this.emitFor(options),
        clientRequestId,
        signal: controller.signal,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(options.query ? { query: options.query } : {}),
      });
    } finally {
      options.signal?.removeEventListener('abort', onExternalAbort);
      this.inFlight.delete(controller);
      if (id.owned) this.idsInFlight.delete(clientRequestId);
    }
  }

  onEvent(listener: (event: ManagerEvent) => void): Unsubscribe {
    return this.events.on(listener);
  }

  breakers(): BreakerSnapshot[] {
    return this.routes.allBreakers().map((breaker) => ({ ...breaker.snapshot(), heldUntil: this.routes.heldUntil(breaker.route) }));
  }

  async claimCredentials(claimant: string, request: CredentialRequest, add = false): Promise<boolean> {
    const scopes = await credentialScopes(this.config.providers, request);
    return !this.disposed && this.routes.claim(claimant, scopes, add);
  }

  releaseCredentials(claimant: string): void {
    this.routes.release(claimant);
  }

  breakersOf(claimant: string): BreakerSnapshot[] {
    return this.routes.allBreakers().map((breaker) => ({ ...breaker.snapshot(), heldUntil: this.routes.heldUntil(breaker.route, claimant) }));
  }

  resetBreakers(route?: Route): void {
    this.routes.reset(route);
    if (route === undefined) this.tail.reset();
  }

  updateConfig(config: ManagerConfig): void {
    const before = this.config;
    this.config = config;
    this.routes.setProviders(config.providers);
    forgetChangedRoutes(this.routes.store, before, config);
    this.routes.updateConfig(config.breaker, config.budget, config.retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS, config.unknownModelTtlMs ?? DEFAULT_UNKNOWN_MODEL_TTL_MS);
    this.tail.updateConfig(config.tail);
    this.limiter.setLimit(config.concurrency);
    this.clients.setHeadersTimeout(config.headersTimeoutMs);
    this.clients.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.routes.dispose();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
    this.clients.clear();
  }

  private emit(event: ManagerEvent): void {
    this.events.emit(event);
  }

  /** Where one request's events go: the manager's bus and the request's own listener. */
  private emitFor(options: SendOptions): (event: RequestEvent) => void {
    const client = safeClientLabel(options.client);
    return (given) => {
      const event = client !== null && given.type === 'attempt' ? { ...given, client } : given;
      this.emit(event);
      tell(options.onEvent, event);
    };
  }

  /** The request's id: the caller's when it is usable, else a generated one and the reason it was refused. */
  private claimId(options: SendOptions): ClaimedId {
    const wanted = options.clientRequestId;
    if (wanted === undefined) return { clientRequestId: newClientRequestId(), problem: null };
    const problem = clientRequestIdProblem(wanted);
    if (problem !== null) return { clientRequestId: newClientRequestId(), problem };
    if (this.idsInFlight.has(wanted)) {
      return { clientRequestId: wanted, problem: `clientRequestId ${wanted} already names a request in flight.` };
    }
    this.idsInFlight.add(wanted);
    return { clientRequestId: wanted, problem: null, owned: true };
  }

  private async execute(
    request: ClaudeRequest,
    options: SendOptions,
    id: ClaimedId,
    caller: { readonly onItem: (item: RelayItem) => void; readonly view: () => RelayView },
    controller: AbortController,
  ): Promise<Outcome> {
    const clientRequestId = id.clientRequestId;
    if (id.problem !== null) {
      // Refused before any attempt: no event, so another request's listeners are not misled.
      return { ok: false, text: '', clientRequestId, attempts: [], error: { class: 'bad_request', message: id.problem, requestIds: [] } };
    }
    const config = this.config;
    const clock = config.clock ?? systemClock;
    const external = options.signal;
    const onExternalAbort = (): void => controller.abort();
    if (external?.aborted) controller.abort();
    external?.addEventListener('abort', onExternalAbort, { once: true });
    if (this.disposed) controller.abort();
    this.inFlight.add(controller);
    try {
      return await runRequest(
        {
          config,
          clock,
          random: config.random ?? Math.random,
          routes: this.routes,
          limiter: this.limiter,
          clients: this.clients,
          emit: this.emitFor(options),
          secrets: () => registeredSecrets(),
          tail: this.tail,
        },
        request,
        { signal: controller.signal, priority: options.priority ?? 'interactive', clientRequestId, ...caller, ...(options.headers ? { headers: options.headers } : {}), ...(options.onAnswering ? { onAnswering: options.onAnswering } : {}), ...(options.namedModel === true ? { namedModel: true } : {}), ...(options.query ? { query: options.query } : {}) },
      );
    } catch (error) {
      // A defect in the manager itself still yields an outcome, not a rejection.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        text: '',
        clientRequestId,
        attempts: [],
        error: { class: 'transient', message: shortMessage(redactSecrets(`Internal error: ${message}`)), requestIds: [] },
      };
    } finally {
      external?.removeEventListener('abort', onExternalAbort);
      this.inFlight.delete(controller);
      if (id.owned === true) this.idsInFlight.delete(clientRequestId);
    }
  }
}

/** Hands an event to a listener; a listener's failure must not break a request. */
function tell<E>(listener: ((event: E) => void) | undefined, event: E): void {
  try {
    listener?.(event);
  } catch {
    // Ignored.
  }
}

/** A manager; with `shared`, its route and tail state and limiter are those of every manager given the same. */
export function createRequestManager(config: ManagerConfig, shared?: SharedRoutes): RelayManager & CredentialClaims {
  return new ResilientRequestManager(config, shared);
}
