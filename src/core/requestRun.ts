// One request's journey through the chain: pick a route that can be tried, wait
// for pacing and the limiter, run an attempt, and carry out what `decide` says —
// retry the route after a wait, adapt and retry, move on to the next route, or
// end the request with a clear error. The decision itself lives in decide.ts; the
// continuation of a partial answer in continuation.ts; route availability in
// routePicker.ts. A breaker permit is settled on every path.
import type { ContentBlock, Message } from '@anthropic-ai/sdk/resources/messages';
import type { Clock, ManagerConfig } from './contract';
import type { AttemptRecord, ErrorClass, FailureOutcome, ManagerEvent, MessagesBody, Outcome, Priority, StreamPart, SuccessOutcome } from './types';
import type { Classification } from './classify';
import type { AttemptResult } from './attempt';
import { runAttempt } from './attempt';
import type { Entrant, Finished } from './hedgedAttempt';
import { hedgeTarget, sicknessOf } from './hedgeTarget';
import type { StreamParams } from './wire';
import { raceWithHedge } from './hedgedAttempt';
import { hedgeRefusal, isDuplicable } from './policies/hedgeGate';
import { DEFAULT_TAIL } from './defaults';
import { systemClock } from './clock';
import type { TailState } from './tailState';
import { firstByteLimitMs } from './tailState';
import { adaptRequest } from './adaptRequest';
import { Continuation } from './continuation';
import { decide } from './decide';
import { policyOf } from './errorClasses';
import type { Decision } from './decide';
import { MessageAssembler } from './messageAssembler';
import type { BackoffState } from './policies/backoff';
import { initialBackoffState } from './policies/backoff';
import { RequestBounds } from './policies/bounds';
import { paceCheck } from './policies/tierPacer';
import type { PaceBooking, PaceEstimate } from './policies/tierPacer';
import type { BreakerPermit } from './policies/circuitBreaker';
import type { ConcurrencyLimiter, Release } from './policies/limiter';
import type { ProviderClients, ResolvedClient } from './providers';
import { ProviderSetupError } from './providers';
import { CanceledError } from './clock';
import { formatDuration } from './models';
import { noRouteReason } from './noRouteReason';
import type { ChainEntry, Pick, Unavailable } from './routePicker';
import { fitsWindow, RoutePicker } from './routePicker';
import type { RouteState } from './routeState';
import { sameRoute } from './routes';
import { estimateRequestTokens } from './tokenEstimate';
import { validateRequest } from './requestValidation';
import { PROVIDER_NAMES } from '../shared/vocabulary';

export interface RunDependencies {
  readonly config: ManagerConfig;
  readonly clock: Clock;
  readonly random: () => number;
  readonly routes: RouteState;
  readonly limiter: ConcurrencyLimiter;
  readonly clients: ProviderClients;
  readonly emit: (event: ManagerEvent) => void;
  /** Every configured secret value (keys, tokens), scrubbed from whatever a server sends back. */
  readonly secrets?: () => readonly string[];
  /** First-token learning, hedge budgets and counts per route; no hedging without it. */
  readonly tail?: TailState;
  /** The clock of an attempt's own timers (headers, stall, hedge); the real one unless a test injects one. */
  readonly attemptClock?: Clock;
}

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly priority: Priority;
  readonly clientRequestId: string;
  readonly onPart: (part: StreamPart) => void;
}

export const DEFAULT_HOLD_CAP_MS = 60_000;

/** Why a request left a route (the fallback event's reason). */
type LeaveReason = ErrorClass | 'breaker_open' | 'unknown_model' | 'unfit';

/** Settles one breaker permit: given back, a success, or a failure of that class. */
type Settle = (how: 'release' | 'success' | ErrorClass) => void;

/** One attempt's route, client and body (a hedge on the next route has its own, adapted for its
 *  model as a fallback would be), and how its breaker permit is settled. */
interface Lane {
  readonly entry: ChainEntry;
  readonly resolved: ResolvedClient;
  readonly params: StreamParams;
  readonly thinkingOn: boolean;
  readonly settle: Settle;
  /** The tier pacer's booking for this attempt (settled when it ends). */
  readonly booking: PaceBooking | null;
}

/** A hedge that may start: its lane, and what to give back when it ends or never starts. */
interface PlannedHedge {
  readonly lane: Lane;
  readonly done: () => void;
  readonly giveBack: () => void;
}

/** What one step of the loop leads to: an outcome, or another turn. */
type Step = Outcome | 'again';

function localFailure(errorClass: ErrorClass, errorType: string, message: string): Classification {
  return { errorClass, errorType, status: null, requestId: null, message, retryAfterMs: null, unknownModel: false };
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

class RequestRun {
  private readonly startedAt: number;
  private readonly attempts: AttemptRecord[] = [];
  private readonly requestIds: string[] = [];
  private readonly adaptations: string[] = [];
  private readonly continuation = new Continuation();
  private readonly bounds: RequestBounds;
  private readonly picker: RoutePicker;
  private readonly estimatedInput: number;
  private readonly countedOn = new Set<string>();
  private readonly holdCapMs: number;
  private lastFailure: Classification | null = null;
  private lastReachableFailure: Classification | null = null;
  private backoff: BackoffState = initialBackoffState;
  private leftReason: LeaveReason | null = null;
  private lastEntry: ChainEntry;
  private budgetWarned = false;
  /** Thinking dropped for the rest of this request (the API refused it for this request's shape). */
  private thinkingDropped = false;
  private hedged = false;

  constructor(
    private readonly deps: RunDependencies,
    private readonly request: MessagesBody,
    private readonly options: RunOptions,
  ) {
    const { config, clock, routes } = deps;
    this.startedAt = clock.now();
    this.bounds = new RequestBounds(config.retry, this.startedAt);
    this.holdCapMs = config.retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS;
    this.estimatedInput = request && Array.isArray(request.messages) ? estimateRequestTokens(request) : 0;
    const fits = fitsWindow(this.estimatedInput, Number.isInteger(request?.max_tokens) ? request.max_tokens : 0);
    this.picker = new RoutePicker(
      config.models,
      config.providers.map((p) => p.id),
      request?.model,
      routes,
      this.bounds,
      fits,
      config.retry.retryAfterCapMs,
      (key) => paceCheck(routes.tier, key, config.pacing, this.paceEstimate()),
    );
    this.lastEntry = this.picker.first;
  }

  private get secrets(): readonly string[] {
    return this.deps.secrets?.() ?? [];
  }

  private finish<T extends Outcome>(outcome: T): T {
    const now = this.deps.clock.now();
    this.deps.emit({
      type: 'request',
      time: now,
      clientRequestId: this.options.clientRequestId,
      ok: outcome.ok,
      model: outcome.ok ? outcome.model : null,
      attempts: this.attempts.length,
      errorClass: outcome.ok ? null : outcome.error.class,
      latencyMs: now - this.startedAt,
    });
    return outcome;
  }

  fail(errorClass: ErrorClass, message: string): FailureOutcome {
    return this.finish({
      ok: false,
      text: this.continuation.text,
      clientRequestId: this.options.clientRequestId,
      attempts: [...this.attempts],
      error: { class: errorClass, message, requestIds: [...this.requestIds] },
    });
  }

  private canceled(): FailureOutcome {
    return this.fail('canceled', 'The request was canceled.');
  }

  /** Fails with the last failure that says something about the service; the user's own network
   *  is blamed only when it is all there was. */
  private failFromLast(prefix: string): FailureOutcome {
    const last = this.lastReachableFailure ?? this.lastFailure;
    if (!last) return this.fail('timeout', `${prefix}no attempt could be made.`);
    return this.fail(last.errorClass, `${prefix}${last.message}`);
  }

  private succeed(entry: ChainEntry, assembler: MessageAssembler, stopReason: Message['stop_reason'], incomplete: boolean): SuccessOutcome {
    const usage = assembler.usage;
    const content: ContentBlock[] = this.continuation.blocks(assembler);
    const message: Message = {
      id: assembler.messageId || `msg_${this.options.clientRequestId}`,
      type: 'message',
      role: 'assistant',
      model: entry.route.model,
      content,
      stop_reason: stopReason,
      stop_sequence: assembler.stopSequence,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_input_tokens: usage.cacheReadInputTokens,
        cache_creation_input_tokens: usage.cacheCreationInputTokens,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: null,
        speed: null,
      },
    };
    return this.finish({
      ok: true,
      text: content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      model: entry.route.model,
      provider: entry.route.provider,
      stopReason,
      incomplete,
      usage: { ...usage },
      message,
      adaptations: [...this.adaptations],
      clientRequestId: this.options.clientRequestId,
      attempts: [...this.attempts],
    });
  }

  private note(adaptation: string, model: string): void {
    if (this.adaptations.includes(adaptation)) return;
    this.adaptations.push(adaptation);
    this.deps.emit({ type: 'warning', time: this.deps.clock.now(), code: 'adapted', message: adaptation, model });
  }

  /** Sleeps, announcing the wait; false when the request was canceled meanwhile. */
  private async sleep(delayMs: number, reason: ErrorClass, entry: ChainEntry): Promise<boolean> {
    const { clock, emit } = this.deps;
    const { route } = entry;
    emit({
      type: 'wait',
      time: clock.now(),
      clientRequestId: this.options.clientRequestId,
      provider: route.provider,
      model: route.model,
      delayMs,
      reason,
      nextAttempt: this.bounds.attemptsMade + 1,
    });
    try {
      await clock.sleep(delayMs, this.options.signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Sleeps without announcing it; false when the request was canceled meanwhile. */
  private async quietSleep(delayMs: number): Promise<boolean> {
    try {
      await this.deps.clock.sleep(delayMs, this.options.signal);
      return true;
    } catch {
      return false;
    }
  }

  private paceEstimate(): Omit<PaceEstimate, 'share'> {
    return { priority: this.options.priority, inputTokens: this.estimatedInput, outputTokens: this.request.max_tokens };
  }

  private leaveReasonFor(why: Unavailable): LeaveReason {
    if (why === 'ended' || why === 'exhausted') return this.lastFailure?.errorClass ?? 'unfit';
    // A held route is one whose rate limit is spent.
    return why === 'held' ? 'rate_limited' : why;
  }

  private moveOn(reason: LeaveReason): void {
    this.picker.moveOn();
    this.backoff = initialBackoffState;
    this.leftReason ??= reason;
  }

  async execute(): Promise<Outcome> {
    for (;;) {
      if (this.options.signal.aborted) return this.canceled();
      const now = this.deps.clock.now();
      if (!this.bounds.canAttempt(now)) {
        if (now >= this.bounds.deadline) return this.failFromLast(`No answer within ${formatDuration(this.deps.config.retry.deadlineMs)}. `);
        return this.failFromLast(`Gave up after ${this.bounds.attemptsMade} attempts. `);
      }
      const picked = this.picker.pick(now);
      const step = picked.kind === 'none' ? await this.noRoute(picked) : await this.attemptOn(picked.entry, picked.permit, picked.skipped);
      if (step !== 'again') return step;
    }
  }

  /** Nothing can be tried now: wait for the nearest route to free up if that is soon, else fail truthfully. */
  private async noRoute(picked: Extract<Pick, { kind: 'none' }>): Promise<Step> {
    const { clock, config } = this.deps;
    const waitMs = picked.earliest === null ? null : Math.max(0, picked.earliest - clock.now());
    if (waitMs !== null && waitMs <= config.retry.retryAfterCapMs && this.bounds.fitsWait(clock.now(), waitMs)) {
      if (!(await this.sleep(waitMs, this.lastFailure?.errorClass ?? 'overloaded', this.picker.first))) return this.canceled();
      this.picker.rewind();
      return 'again';
    }
    if (this.lastFailure) return this.failFromLast(this.picker.chain.length > 1 ? 'No model in the chain could answer. Last error: ' : '');
    const why = noRouteReason(picked.blocked, this.estimatedInput, this.request.max_tokens);
    return this.fail(why.errorClass, why.message);
  }

  private async attemptOn(entry: ChainEntry, permit: BreakerPermit, skipped: Unavailable | null): Promise<Step> {
    const { routes, emit, clock, config } = this.deps;
    const breaker = routes.breaker(entry.route);
    let settled = false;
    const settle = (how: 'release' | 'success' | ErrorClass): void => {
      if (settled) return;
      settled = true;
      if (how === 'release') breaker.release(permit);
      else if (how === 'success') breaker.recordSuccess(permit);
      else breaker.recordFailure(permit, how);
    };
    let booking: PaceBooking | null = null;
    let sent = false;
    try {
      if (skipped !== null) this.leftReason ??= this.leaveReasonFor(skipped);
      if (!sameRoute(entry.route, this.lastEntry.route) && this.leftReason !== null) {
        emit({ type: 'fallback', time: clock.now(), clientRequestId: this.options.clientRequestId, from: this.lastEntry.route, to: entry.route, reason: this.leftReason });
      }
      this.leftReason = null;
      this.lastEntry = entry;

      // A rate-limit hold or the tier pacer's wait: sleep, then pick again (the wait may have moved).
      const { waitMs, paced } = this.picker.waitOn(entry);
      if (waitMs > 0) {
        // While a probe after the reset is out, look again shortly without announcing each look.
        const quiet = paced.why === 'probing' && paced.waitMs >= waitMs;
        const slept = quiet ? await this.quietSleep(waitMs) : await this.sleep(waitMs, 'rate_limited', entry);
        return slept ? 'again' : this.canceled();
      }
      booking = routes.tier.book(entry.key, this.paceEstimate());

      const resolved = await this.resolveClient(entry);
      if (resolved === null) return 'again';

      let release: Release;
      try {
        release = await acquireBefore(this.deps.limiter, this.options.priority, this.options.signal, this.bounds.remainingMs(clock.now()));
      } catch (error) {
        if (this.options.signal.aborted || !(error instanceof CanceledError)) return this.canceled();
        return this.failFromLast(`No answer within ${formatDuration(config.retry.deadlineMs)}. `);
      }
      sent = true;
      return await this.runOn(entry, resolved, release, settle, booking);
    } finally {
      settle('release');
      if (booking !== null) {
        if (sent) routes.tier.settle(booking);
        else routes.tier.cancel(booking);
      }
    }
  }

  /** The provider's client, or null when it cannot be set up (its routes are then ended). */
  private async resolveClient(entry: ChainEntry): Promise<ResolvedClient | null> {
    const { config, clock, emit } = this.deps;
    try {
      return await this.deps.clients.clientFor(entry.providerIndex, config.providers[entry.providerIndex]!);
    } catch (error) {
      const name = PROVIDER_NAMES[entry.route.provider];
      const detail = error instanceof Error ? error.message : 'the provider could not be set up';
      if (error instanceof ProviderSetupError && error.kind === 'missing_api_key') {
        // The provider's own message names it and what to do ("Bedrock: no AWS credentials found … — run …").
        this.recordLocalFailure(localFailure('auth', 'missing_credentials', `Authentication failed — ${detail.includes(name) || /^(Bedrock|Vertex|Anthropic)\b/.test(detail) ? detail : `${name}: ${detail}`}`));
        this.picker.end(entry, 'provider', 'auth');
        this.moveOn('auth');
        return null;
      }
      emit({ type: 'warning', time: clock.now(), code: 'config', message: `${entry.route.provider}: ${detail}`, model: entry.route.model });
      this.picker.end(entry, 'provider', 'bad_request');
      this.moveOn('unfit');
      return null;
    }
  }

  private recordLocalFailure(failure: Classification): void {
    this.lastFailure = failure;
    if (failure.errorClass !== 'unreachable') this.lastReachableFailure = failure;
  }

  /** Counts a request on a route the first time this request tries it (retry and hedge budgets). */
  private countRequest(entry: ChainEntry): void {
    if (this.countedOn.has(entry.key)) return;
    this.countedOn.add(entry.key);
    this.deps.routes.budget(entry.route).recordRequest();
    this.deps.tail?.budget(entry.key).recordRequest();
  }

  /** The body for a route's model (adapted as a fallback would be), with its client. */
  private laneFor(entry: ChainEntry, resolved: ResolvedClient, plan: ReturnType<Continuation['plan']>, settle: Settle, booking: PaceBooking | null): Lane {
    const adapted = adaptRequest({ ...this.request, messages: plan.messages }, entry.route.model, this.deps.routes.refusesThinking(entry.route) || this.thinkingDropped, plan.dropThinking);
    for (const note of adapted.notes) this.note(note, entry.route.model);
    const { model: _ignored, ...body } = adapted.body;
    void _ignored;
    const thinkingOn = adapted.body.thinking !== undefined && adapted.body.thinking.type !== 'disabled';
    return { entry, resolved, params: { ...body, model: entry.route.model, stream: true }, thinkingOn, settle, booking };
  }

  private async runOn(entry: ChainEntry, resolved: ResolvedClient, release: Release, settle: Settle, booking: PaceBooking): Promise<Step> {
    const { routes, clock, emit } = this.deps;
    const attemptNumber = this.bounds.recordAttempt(entry.key);
    this.countRequest(entry);
    const plan = this.continuation.plan(this.request.messages);
    const first = this.laneFor(entry, resolved, plan, settle, booking);
    // Both attempts of a hedged pair share the sink: only the one that claimed the race hands parts on.
    const sink = {
      text: (text: string) => this.deliver({ type: 'text', text }),
      thinking: (thinking: string) => this.deliver({ type: 'thinking', thinking }),
      toolUse: (call: { readonly id: string; readonly name: string; readonly input: unknown }) => this.deliver({ type: 'tool_use', ...call }),
    };
    const tail = this.deps.tail;
    const tailConfig = tail?.settings ?? DEFAULT_TAIL;
    const timers = this.deps.attemptClock ?? systemClock;
    const thresholdOf = (key: string): number | null =>
      tail ? tail.tracker(key).thresholdMs(this.estimatedInput, tailConfig.hedgeFactor, tailConfig.hedgeFloorMs, tailConfig.hedgeColdMs) : null;
    // The threshold (and whether it is a guess) as of the attempt's start.
    const coldAtStart = tail === undefined || tail.tracker(entry.key).expectedHighMs(this.estimatedInput) === null;
    const thresholdMs = thresholdOf(entry.key);
    const attemptStart = clock.now();
    let firstBody = false;
    const launch = (lane: Lane, claim: () => boolean, onDone: () => void, onBody?: () => void): { entrant: Entrant; assembler: MessageAssembler } => {
      const { route, key } = lane.entry;
      const own = new MessageAssembler(sink, plan.skip);
      const controller = new AbortController();
      const onUserAbort = (): void => controller.abort();
      this.options.signal.addEventListener('abort', onUserAbort, { once: true });
      if (this.options.signal.aborted) controller.abort();
      const firstByteMs = firstByteLimitMs(tail?.firstByteTracker(key) ?? null, tailConfig, this.estimatedInput, thresholdOf(key) ?? tailConfig.hedgeColdMs);
      const done = runAttempt({
        client: lane.resolved.client,
        params: lane.params,
        assembler: own,
        headersTimeoutMs: this.deps.config.headersTimeoutMs,
        stall: { firstByteMs, beforeContentMs: this.deps.config.idleTimeoutMs, floorMs: tailConfig.stallFloorMs, gapMultiple: tailConfig.stallGapMultiple },
        clock: timers,
        deadline: timers.now() + this.bounds.remainingMs(clock.now()),
        signal: controller.signal,
        clientRequestId: this.options.clientRequestId,
        secrets: [...(lane.resolved.secret ? [lane.resolved.secret] : []), ...this.secrets],
        providerName: PROVIDER_NAMES[route.provider],
        onHeaders: (headers) => {
          routes.pacer.observe(key, headers);
          routes.tier.observe(key, headers, lane.booking);
        },
        onFirstContent: claim,
        onBody,
        onStall: (silentMs, flowing) => this.announceStall(lane.entry, silentMs, flowing ? 'mid_stream' : 'first_token', 'reconnect'),
      }).finally(() => {
        this.options.signal.removeEventListener('abort', onUserAbort);
        onDone();
      });
      return { entrant: { done, abort: () => controller.abort() }, assembler: own };
    };
    const assemblers = new Map<'first' | 'hedge', MessageAssembler>();
    let hedgeLane: Lane | null = null;
    let hedgeAttemptNumber = attemptNumber;
    const race = await raceWithHedge({
      clock: timers,
      thresholdMs: tailConfig.hedge && !this.hedged ? thresholdMs : null,
      start: (claim) => {
        const started = launch(first, claim, release, () => {
          firstBody = true;
        });
        assemblers.set('first', started.assembler);
        return started.entrant;
      },
      hedge: async () => {
        const planned = await this.hedgeTicket(first, coldAtStart, firstBody, plan);
        if (planned === null) return null;
        hedgeLane = planned.lane;
        return {
          launch: (claim) => {
            const started = launch(planned.lane, claim, planned.done);
            assemblers.set('hedge', started.assembler);
            return started.entrant;
          },
          giveBack: planned.giveBack,
        };
      },
      onHedge: () => {
        const to = hedgeLane?.entry ?? entry;
        this.hedged = true;
        hedgeAttemptNumber = this.bounds.recordAttempt(to.key);
        this.countRequest(to);
        this.announceStall(entry, timers.now() - attemptStart, 'first_token', 'hedge', to);
      },
    });
    const laneOf = (role: 'first' | 'hedge'): Lane => (role === 'hedge' && hedgeLane !== null ? hedgeLane : first);
    const winner = laneOf(race.winner.role);
    if (race.loser !== null) {
      const loser = laneOf(race.loser.role);
      this.recordLoser(loser.entry, race.loser, race.loser.role === 'first' ? attemptNumber : hedgeAttemptNumber, attemptStart);
      // A hedge on another route holds that route's own breaker permit: settled by its own result.
      if (loser.entry !== winner.entry) loser.settle(race.loser.result.ok ? 'release' : race.loser.result.failure.errorClass === 'canceled' ? 'release' : race.loser.result.failure.errorClass);
    }
    const { route, key } = winner.entry;
    if (winner.entry !== entry) {
      // The hedge answered on the next route: the request has moved there.
      first.settle('release');
      this.picker.moveOn();
      this.backoff = initialBackoffState;
      this.lastEntry = winner.entry;
      emit({ type: 'fallback', time: clock.now(), clientRequestId: this.options.clientRequestId, from: entry.route, to: route, reason: 'timeout' });
    }
    if (race.winner.role === 'hedge') tail?.countHedgeWon(entry.key);
    const result: AttemptResult = race.winner.result;
    const assembler = assemblers.get(race.winner.role)!;
    if (result.firstContentMs !== null) tail?.tracker(key).record(this.estimatedInput, result.firstContentMs);
    if (result.bodyStartMs !== null) tail?.firstByteTracker(key).record(this.estimatedInput, result.bodyStartMs);
    const base = { time: attemptStart, provider: route.provider, model: route.model, attempt: race.winner.role === 'first' ? attemptNumber : hedgeAttemptNumber, latencyMs: clock.now() - attemptStart, clientRequestId: this.options.clientRequestId };
    if (result.ok) {
      const record: AttemptRecord = { ...base, status: result.status, errorClass: null, errorType: null, requestId: result.requestId };
      this.attempts.push(record);
      if (result.requestId) this.requestIds.push(result.requestId);
      emit({ type: 'attempt', ...record });
      winner.settle('success');
      return this.succeed(winner.entry, assembler, assembler.stopReason, false);
    }

    const failure = result.failure;
    const record: AttemptRecord = { ...base, status: failure.status, errorClass: failure.errorClass, errorType: failure.errorType, requestId: failure.requestId, message: failure.message };
    this.attempts.push(record);
    if (failure.requestId) this.requestIds.push(failure.requestId);
    emit({ type: 'attempt', ...record });
    winner.settle(failure.errorClass === 'canceled' ? 'release' : failure.errorClass);
    routes.pacer.observe(key, result.headers);
    routes.tier.observe(key, result.headers, winner.booking);
    this.recordLocalFailure(failure);
    this.continuation.absorbFailure(assembler);
    if (failure.errorClass === 'canceled') return this.canceled();
    if (this.continuation.handedToolCall) {
      this.note('the stream broke after a complete tool call; the answer ends at that call', route.model);
      return this.succeed(winner.entry, new MessageAssembler({ text: () => undefined, thinking: () => undefined, toolUse: () => undefined }), 'tool_use', false);
    }
    const now = clock.now();
    const decision = decide(
      { ...failure, modelSpecific: failure.modelSpecific ?? false },
      {
        attemptsOnRoute: this.bounds.attemptsOn(key),
        canAttemptOnRoute: this.bounds.canAttemptOn(key, now),
        breakerAvailable: routes.breaker(route).isAvailable(),
        othersFailing: routes.breaker(route).failingBeyond(this.bounds.attemptsOn(key)),
        healthyLaterRoute: this.picker.healthyAfter(winner.entry, now),
        continuing: this.continuation.started,
        thinkingOn: winner.thinkingOn,
      },
      { retry: this.deps.config.retry, remainingMs: this.bounds.remainingMs(now), holdCapMs: this.holdCapMs },
      { retryAvailable: routes.budget(route).available() > 0 },
      this.backoff,
      now,
      this.deps.random,
    );
    return this.apply(decision, winner.entry, failure);
  }

  /** A hedge that may start now — on this route, or on the next well route when this one is sick —
   *  or null (and the refusal counted) when none may. */
  private async hedgeTicket(first: Lane, coldAtStart: boolean, bodyStarted: boolean, plan: ReturnType<Continuation['plan']>): Promise<PlannedHedge | null> {
    const { routes, clock } = this.deps;
    const tail = this.deps.tail;
    if (!tail) return null;
    const { entry } = first;
    const { key } = entry;
    const now = clock.now();
    const sickness = sicknessOf(routes, tail, entry);
    // A route the hedge may go to now: well, and neither held nor paced (no wait at all).
    const free = (e: ChainEntry): boolean => this.picker.waitOn(e).waitMs <= 0;
    const target = hedgeTarget(sickness, sickness === null ? null : this.picker.healthyEntryAfter(entry, now, (e) => sicknessOf(routes, tail, e) === null && free(e)));
    const refusal = hedgeRefusal({
      enabled: tail.settings.hedge,
      hedgedAlready: this.hedged,
      duplicable: isDuplicable(this.request),
      outage: target.kind === 'none' && target.refusal === 'outage',
      held: target.kind === 'same' && !free(entry),
      retryAlarm: target.kind === 'none' && target.refusal === 'retry_alarm',
      budgetAvailable: tail.budget(key).available() > 0,
      cold: coldAtStart,
      bodyStarted,
    });
    if (refusal !== null) {
      tail.countRefusal(key, refusal);
      return null;
    }
    const on = target.kind === 'next' ? target.entry : entry;
    if (!this.bounds.canAttempt(now) || !this.bounds.canAttemptOn(on.key, now)) {
      tail.countRefusal(key, 'already_hedged');
      return null;
    }
    let lane: Lane;
    let permitBack: () => void = () => undefined;
    if (on === entry) {
      // The same route, client and body: the first attempt's breaker permit covers both.
      lane = { ...first, booking: null };
    } else {
      const resolved = await this.resolvedFor(on);
      const breaker = routes.breaker(on.route);
      const permit = resolved === null ? null : breaker.tryAcquire();
      if (resolved === null || permit === null) {
        tail.countRefusal(key, 'outage');
        return null;
      }
      let settled = false;
      const settleNext: Settle = (how) => {
        if (settled) return;
        settled = true;
        if (how === 'release') breaker.release(permit);
        else if (how === 'success') breaker.recordSuccess(permit);
        else breaker.recordFailure(permit, how);
      };
      permitBack = () => settleNext('release');
      lane = this.laneFor(on, resolved, plan, settleNext, null);
    }
    let release: Release;
    try {
      // The hedge is one more request in flight: a free concurrency slot at once, or no hedge
      // (it never queues behind other work, and never exceeds the cap the server is promised).
      release = await acquireBefore(this.deps.limiter, this.options.priority, this.options.signal, 1);
    } catch {
      permitBack();
      tail.countRefusal(key, 'no_slot');
      return null;
    }
    if (!tail.budget(key).tryAcquire()) {
      release();
      permitBack();
      tail.countRefusal(key, 'budget');
      return null;
    }
    tail.countHedge(key);
    // One more request in flight on its route, as the tier pacer counts them.
    const booking = routes.tier.book(on.key, this.paceEstimate());
    return {
      lane: { ...lane, booking },
      done: () => {
        release();
        routes.tier.settle(booking);
      },
      giveBack: () => {
        release();
        permitBack();
        routes.tier.cancel(booking);
      },
    };
  }

  /** The provider's client for a hedge's route (already set up for the route that is running). */
  private async resolvedFor(entry: ChainEntry): Promise<ResolvedClient | null> {
    try {
      return await this.deps.clients.clientFor(entry.providerIndex, this.deps.config.providers[entry.providerIndex]!);
    } catch {
      return null;
    }
  }

  /** Narrates a late first token (a hedge starts) or a stalled stream (it is cut and continued). */
  private announceStall(entry: ChainEntry, silentMs: number, phase: 'first_token' | 'mid_stream', action: 'hedge' | 'reconnect', to: ChainEntry = entry): void {
    if (action === 'reconnect') this.deps.tail?.countStall(entry.key);
    this.deps.emit({
      type: 'stall',
      time: this.deps.clock.now(),
      clientRequestId: this.options.clientRequestId,
      provider: entry.route.provider,
      model: entry.route.model,
      silentMs: Math.max(0, Math.round(silentMs)),
      phase,
      action,
      ...(to !== entry ? { to: to.route } : {}),
    });
  }

  /** The attempt of a hedged pair whose result does not stand: aborted when the other won, or its own failure. */
  private recordLoser(entry: ChainEntry, loser: Finished, attempt: number, startedAt: number): void {
    const { clock, emit } = this.deps;
    const { route } = entry;
    const base = { time: startedAt, provider: route.provider, model: route.model, attempt, latencyMs: clock.now() - startedAt, clientRequestId: this.options.clientRequestId };
    const result = loser.result;
    // In the history's failure log per route, 'hedge_lost' records count the hedges.
    const why =
      loser.role === 'first'
        ? 'no content in time; a second attempt on a fresh connection answered first (hedged)'
        : 'a second attempt beside a late first token (hedge); the first attempt answered first';
    const record: AttemptRecord = result.ok
      ? { ...base, status: result.status, errorClass: 'canceled', errorType: 'hedge_lost', requestId: result.requestId, message: why }
      : result.failure.errorClass === 'canceled' && !this.options.signal.aborted
        ? { ...base, status: null, errorClass: 'canceled', errorType: 'hedge_lost', requestId: result.failure.requestId, message: why }
        : { ...base, status: result.failure.status, errorClass: result.failure.errorClass, errorType: result.failure.errorType, requestId: result.failure.requestId, message: result.failure.message };
    this.attempts.push(record);
    if (record.requestId) this.requestIds.push(record.requestId);
    emit({ type: 'attempt', ...record });
  }

  private deliver(part: StreamPart): void {
    this.continuation.noteOutput();
    this.options.onPart(part);
  }

  private async apply(decision: Decision, entry: ChainEntry, failure: Classification): Promise<Step> {
    const { routes, emit, clock } = this.deps;
    const { route, key } = entry;
    switch (decision.kind) {
      case 'retry':
        routes.budget(route).tryAcquireRetry();
        this.backoff = decision.backoff;
        return (await this.sleep(decision.delayMs, failure.errorClass, entry)) ? 'again' : this.canceled();
      case 'adapt':
        // A model that refuses thinking is remembered; a request whose history does not fit thinking
        // (a turn answered by a model without it) drops it for this request only.
        if (decision.modelRefuses) routes.rememberRefusesThinking(route);
        else this.thinkingDropped = true;
        return 'again';
      case 'finish_incomplete':
        return this.succeed(entry, new MessageAssembler({ text: () => undefined, thinking: () => undefined, toolUse: () => undefined }), null, true);
      case 'fail':
        return this.fail(decision.errorClass, failure.message);
      case 'next_route':
        if (decision.holdUntil !== null) routes.pacer.hold(key, decision.holdUntil);
        if (decision.unknownModel) {
          routes.unknownModels.remember(route);
          emit({ type: 'warning', time: clock.now(), code: 'unknown_model', message: `The API does not know the model ${route.model}; skipping it for now.`, model: route.model });
        }
        if (decision.budgetSpent && !this.budgetWarned) {
          this.budgetWarned = true;
          emit({ type: 'warning', time: clock.now(), code: 'budget_exhausted', message: `Retry budget for ${route.model} is spent; not retrying it for now.`, model: route.model });
        }
        // A failure that retrying cannot mend ends the routes it reaches for the rest of this request.
        if (!policyOf(decision.reason).retryRoute) this.picker.end(entry, decision.reach, decision.reason);
        this.moveOn(decision.unknownModel ? 'unknown_model' : decision.reason);
        return 'again';
    }
  }
}

export async function runRequest(deps: RunDependencies, request: MessagesBody, options: RunOptions): Promise<Outcome> {
  const run = new RequestRun(deps, request, options);
  const problem = validateRequest(request);
  if (problem) return run.fail('bad_request', problem);
  return run.execute();
}
