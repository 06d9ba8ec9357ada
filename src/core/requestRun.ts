// One request's journey through the chain, one turn at a time:
//   pick   — the first route that can be tried (routePicker.ts), or wait for one / fail truthfully;
//   lease  — what an attempt needs on it: breaker permit, pacing booking, concurrency slot (routeLease.ts);
//   race   — the attempt, and a hedge beside it when its first token is late (laneRace.ts, hedgePlan.ts);
//   record — the attempts, request ids and outcome (runRecord.ts);
//   decide — what the failure calls for (decide.ts, pure);
//   apply  — wait and retry, adapt, move on, finish or fail.
// The answer is carried across attempts, and handed on, by answerRelay.ts.
import type { Classification } from './classify';
import { CanceledError } from './clock';
import { systemClock } from './clock';
import { AnswerRelay } from './answerRelay';
import type { Decision } from './decide';
import { decide } from './decide';
import { DEFAULT_TAIL } from './defaults';
import { policyOf } from './errorClasses';
import { planHedge } from './hedgePlan';
import type { Lane } from './lane';
import { laneFor } from './lane';
import type { LaneRace } from './laneRace';
import { raceLanes, settleRace } from './laneRace';
import { formatDuration } from './models';
import { noRouteReason } from './noRouteReason';
import type { BackoffState } from './policies/backoff';
import { initialBackoffState } from './policies/backoff';
import { RequestBounds } from './policies/bounds';
import type { BreakerPermit } from './policies/circuitBreaker';
import { isDuplicable } from './policies/hedgeGate';
import type { PaceEstimate } from './policies/tierPacer';
import { paceCheck } from './policies/tierPacer';
import type { ResolvedClient } from './providers';
import { ProviderSetupError } from './providers';
import { requestNarrator } from './requestNarrator';
import type { RequestNarrator } from './requestNarrator';
import { RouteLease } from './routeLease';
import type { ChainEntry, Pick, Unavailable } from './routePicker';
import { fitsWindow, RoutePicker } from './routePicker';
import { sameRoute } from './routes';
import { RunRecord } from './runRecord';
import type { RunDependencies, RunOptions } from './runDependencies';
import { estimateRequestTokens } from './tokenEstimate';
import type { ErrorClass, MessagesBody, Outcome } from './types';
import { validateRequest } from './requestValidation';
import { PROVIDER_NAMES } from '../shared/vocabulary';

export const DEFAULT_HOLD_CAP_MS = 60_000;

/** Why a request left a route (the fallback event's reason). */
type LeaveReason = ErrorClass | 'breaker_open' | 'unknown_model' | 'unfit';

/** What one turn leads to: an outcome, or another turn. */
type Step = Outcome | 'again';

function localFailure(errorClass: ErrorClass, errorType: string, message: string): Classification {
  return { errorClass, errorType, status: null, requestId: null, message, retryAfterMs: null, unknownModel: false };
}

class RequestRun {
  private readonly bounds: RequestBounds;
  private readonly picker: RoutePicker;
  private readonly estimate: Omit<PaceEstimate, 'share'>;
  private readonly relay: AnswerRelay;
  private readonly record: RunRecord;
  private readonly say: RequestNarrator;
  /** Routes this request was counted on (retry and hedge budgets count a request once per route). */
  private readonly countedOn = new Set<string>();
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
    const startedAt = clock.now();
    this.bounds = new RequestBounds(config.retry, startedAt);
    const inputTokens = request && Array.isArray(request.messages) ? estimateRequestTokens(request) : 0;
    this.estimate = { priority: options.priority, inputTokens, outputTokens: request?.max_tokens };
    const fits = fitsWindow(inputTokens, Number.isInteger(request?.max_tokens) ? request.max_tokens : 0);
    const paced = (key: string) => paceCheck(routes.tier, key, config.pacing, this.estimate);
    this.picker = new RoutePicker(config.models, config.providers.map((p) => p.id), request?.model, routes, this.bounds, fits, config.retry.retryAfterCapMs, paced);
    this.lastEntry = this.picker.first;
    this.say = requestNarrator(deps, options.clientRequestId);
    this.relay = new AnswerRelay(options.onItem, options.view);
    this.record = new RunRecord(options.clientRequestId, startedAt, () => clock.now(), deps.emit, this.relay);
  }

  fail(errorClass: ErrorClass, message: string): Outcome {
    return this.record.fail(errorClass, message);
  }

  async execute(): Promise<Outcome> {
    for (;;) {
      if (this.options.signal.aborted) return this.record.canceled();
      const now = this.deps.clock.now();
      if (!this.bounds.canAttempt(now)) {
        if (now >= this.bounds.deadline) return this.record.failFromLast(`No answer within ${formatDuration(this.deps.config.retry.deadlineMs)}. `);
        return this.record.failFromLast(`Gave up after ${this.bounds.attemptsMade} attempts. `);
      }
      const picked = this.picker.pick(now);
      const step = picked.kind === 'none' ? await this.noRoute(picked) : await this.leaseAndRace(picked.entry, picked.permit, picked.skipped);
      if (step !== 'again') return step;
    }
  }

  /** Sleeps (announced unless `quiet`); false when the request was canceled meanwhile. */
  private async sleep(delayMs: number, reason: ErrorClass, entry: ChainEntry, quiet = false): Promise<boolean> {
    if (!quiet) this.say.wait(entry, delayMs, reason, this.bounds.attemptsMade + 1);
    try {
      await this.deps.clock.sleep(delayMs, this.options.signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Nothing can be tried now: wait for the nearest route to free up if that is soon, else fail truthfully. */
  private async noRoute(picked: Extract<Pick, { kind: 'none' }>): Promise<Step> {
    const { clock, config } = this.deps;
    const waitMs = picked.earliest === null ? null : Math.max(0, picked.earliest - clock.now());
    if (waitMs !== null && waitMs <= config.retry.retryAfterCapMs && this.bounds.fitsWait(clock.now(), waitMs)) {
      if (!(await this.sleep(waitMs, this.record.lastFailureClass ?? 'overloaded', this.picker.first))) return this.record.canceled();
      this.picker.rewind();
      return 'again';
    }
    if (this.record.lastFailureClass !== null) return this.record.failFromLast(this.picker.chain.length > 1 ? 'No model in the chain could answer. Last error: ' : '');
    const why = noRouteReason(picked.blocked, this.estimate.inputTokens, this.request.max_tokens);
    return this.fail(why.errorClass, why.message);
  }

  /** Leases what an attempt needs on the picked route and races it; the lease is settled on every path. */
  private async leaseAndRace(entry: ChainEntry, permit: BreakerPermit, skipped: Unavailable | null): Promise<Step> {
    const { routes, clock, config, limiter } = this.deps;
    const lease = new RouteLease(entry.key, routes.tier, { breaker: routes.breaker(entry.route), permit });
    try {
      if (skipped !== null) this.leftReason ??= this.leaveReasonFor(skipped);
      if (!sameRoute(entry.route, this.lastEntry.route) && this.leftReason !== null) this.say.fallback(this.lastEntry, entry, this.leftReason);
      this.leftReason = null;
      this.lastEntry = entry;

      // A rate-limit hold or the tier pacer's wait: sleep, then pick again (the wait may have moved).
      const { waitMs, paced } = this.picker.waitOn(entry);
      if (waitMs > 0) {
        // While a probe after the reset is out, look again shortly without announcing each look.
        const quiet = paced.why === 'probing' && paced.waitMs >= waitMs;
        return (await this.sleep(waitMs, 'rate_limited', entry, quiet)) ? 'again' : this.record.canceled();
      }
      lease.book(this.estimate);
      const resolved = await this.resolveClient(entry);
      if (resolved === null) return 'again';
      try {
        await lease.takeSlot(limiter, this.options.priority, this.options.signal, this.bounds.remainingMs(clock.now()));
      } catch (error) {
        if (this.options.signal.aborted || !(error instanceof CanceledError)) return this.record.canceled();
        return this.record.failFromLast(`No answer within ${formatDuration(config.retry.deadlineMs)}. `);
      }
      const race = await this.race(entry, resolved, lease);
      return await this.recordAndDecide(entry, race);
    } finally {
      lease.settle('release');
    }
  }

  /** The attempt on its lane, and a hedge beside it when its first token is late. */
  private async race(entry: ChainEntry, resolved: ResolvedClient, lease: RouteLease): Promise<LaneRace & { readonly startedAt: number }> {
    const { clock, tail, routes } = this.deps;
    const tailConfig = tail?.settings ?? DEFAULT_TAIL;
    const timers = this.deps.attemptClock ?? systemClock;
    const firstNumber = this.bounds.recordAttempt(entry.key);
    this.countRequest(entry);
    const plan = this.relay.plan(this.request.messages);
    const laneOn = (on: ChainEntry, client: ResolvedClient, onLease: RouteLease): Lane =>
      laneFor(on, client, onLease, this.request, plan, routes.refusesThinking(on.route) || this.thinkingDropped, (note, model) => this.record.adapted(note, model), on.route.model !== this.picker.first.route.model);
    const first = laneOn(entry, resolved, lease);
    const { inputTokens } = this.estimate;
    const thresholdOf = (key: string): number | null =>
      tail ? tail.tracker(key).thresholdMs(inputTokens, tailConfig.hedgeFactor, tailConfig.hedgeFloorMs, tailConfig.hedgeColdMs) : null;
    const coldAtStart = tail === undefined || tail.tracker(entry.key).expectedHighMs(inputTokens) === null;
    const thresholdMs = tailConfig.hedge && !this.hedged ? thresholdOf(entry.key) : null;
    const startedAt = clock.now();
    const race = await raceLanes({
      first,
      firstNumber,
      clock: timers,
      thresholdMs,
      launch: {
        config: this.deps.config,
        routes,
        tail,
        timers,
        signal: this.options.signal,
        clientRequestId: this.options.clientRequestId,
        estimatedInput: inputTokens,
        feed: () => this.relay.feed(),
        headers: this.options.headers,
        secrets: () => this.deps.secrets?.() ?? [],
        remainingMs: () => this.bounds.remainingMs(clock.now()),
        thresholdOf,
        onStall: (on, silentMs, flowing) => this.say.stall(on, silentMs, flowing ? 'mid_stream' : 'first_token', 'reconnect'),
      },
      planHedge: (bodyStarted) =>
        tail === undefined
          ? Promise.resolve(null)
          : planHedge(
              {
                routes,
                tail,
                clock,
                limiter: this.deps.limiter,
                picker: this.picker,
                bounds: this.bounds,
                priority: this.options.priority,
                signal: this.options.signal,
                duplicable: isDuplicable(this.request),
                hedgedAlready: this.hedged,
                coldAtStart,
                estimate: this.estimate,
                resolve: (on) => this.hedgeClient(on),
                laneOn,
              },
              first,
              bodyStarted,
            ),
      onHedge: (hedge) => {
        this.hedged = true;
        const number = this.bounds.recordAttempt(hedge.entry.key);
        this.countRequest(hedge.entry);
        this.say.stall(entry, timers.now() - startedAt, 'first_token', 'hedge', hedge.entry);
        return number;
      },
    });
    return { ...race, startedAt };
  }

  /** Records the race, settles its leases, and decides what its failure calls for. */
  private async recordAndDecide(entry: ChainEntry, race: LaneRace & { readonly startedAt: number }): Promise<Step> {
    const { routes, clock, tail } = this.deps;
    const { winner, loser, startedAt } = race;
    if (loser !== null) this.record.lostAttempt(loser.lane.entry, loser.number, startedAt, loser.result, loser.role, this.options.signal.aborted);
    const at = winner.lane.entry;
    if (at !== entry) {
      // The hedge answered on the next route: the request has moved there.
      this.picker.moveOn();
      this.backoff = initialBackoffState;
      this.lastEntry = at;
      this.say.fallback(entry, at, 'timeout');
    }
    if (winner.role === 'hedge') tail?.countHedgeWon(entry.key);
    const { result, assembler } = winner;
    if (result.firstContentMs !== null) tail?.tracker(at.key).record(this.estimate.inputTokens, result.firstContentMs);
    if (result.bodyStartMs !== null) tail?.firstByteTracker(at.key).record(this.estimate.inputTokens, result.bodyStartMs);
    this.record.attempt(at, winner.number, startedAt, result);
    settleRace(race);
    if (result.ok) {
      // Every stop reason is an answer: it ends the request here, once.
      assembler.settle();
      return this.record.succeed(at, false);
    }

    const failure = result.failure;
    routes.pacer.observe(at.key, result.headers);
    routes.tier.observe(at.key, result.headers, winner.lane.lease.booking);
    this.record.noteFailure(failure);
    if (failure.errorClass === 'canceled') return this.record.canceled();
    const after = this.relay.afterBreak();
    if (after === 'end_at_tool_use') {
      this.record.adapted('the stream broke after a complete tool call; the answer ends at that call', at.route.model);
      this.relay.endAtToolUse();
      return this.record.succeed(at, false);
    }
    if (after === 'incomplete') return this.fail(failure.errorClass, failure.message);
    const now = clock.now();
    const breaker = routes.breaker(at.route);
    const decision = decide(
      { ...failure, modelSpecific: failure.modelSpecific ?? false },
      {
        attemptsOnRoute: this.bounds.attemptsOn(at.key),
        canAttemptOnRoute: this.bounds.canAttemptOn(at.key, now),
        breakerAvailable: breaker.isAvailable(),
        othersFailing: breaker.failingBeyond(this.bounds.attemptsOn(at.key)),
        healthyLaterRoute: this.picker.healthyAfter(at, now),
        continuing: this.relay.started,
        thinkingOn: winner.lane.thinkingOn,
      },
      { retry: this.deps.config.retry, remainingMs: this.bounds.remainingMs(now), holdCapMs: this.deps.config.retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS },
      { retryAvailable: routes.budget(at.route).available() > 0 },
      this.backoff,
      now,
      this.deps.random,
    );
    return this.apply(decision, at, failure);
  }

  private async apply(decision: Decision, entry: ChainEntry, failure: Classification): Promise<Step> {
    const { routes } = this.deps;
    const { route, key } = entry;
    switch (decision.kind) {
      case 'retry':
        routes.budget(route).tryAcquireRetry();
        this.backoff = decision.backoff;
        return (await this.sleep(decision.delayMs, failure.errorClass, entry)) ? 'again' : this.record.canceled();
      case 'adapt':
        // A model that refuses thinking is remembered; a request whose history does not fit thinking
        // (a turn answered by a model without it) drops it for this request only.
        if (decision.modelRefuses) routes.rememberRefusesThinking(route);
        else this.thinkingDropped = true;
        return 'again';
      case 'finish_incomplete':
        this.relay.incomplete(`The answer is incomplete: ${this.relay.delivered()} reached the caller; its continuation was refused. ${failure.message}`, 'api_error');
        return this.record.succeed(entry, true);
      case 'fail':
        return this.fail(decision.errorClass, failure.message);
      case 'next_route':
        if (decision.holdUntil !== null) routes.pacer.hold(key, decision.holdUntil);
        if (decision.unknownModel) {
          routes.unknownModels.remember(route);
          this.say.warning('unknown_model', `The API does not know the model ${route.model}; skipping it for now.`, route.model);
        }
        if (decision.budgetSpent && !this.budgetWarned) {
          this.budgetWarned = true;
          this.say.warning('budget_exhausted', `Retry budget for ${route.model} is spent; not retrying it for now.`, route.model);
        }
        // A failure that retrying cannot mend ends the routes it reaches for the rest of this request.
        if (!policyOf(decision.reason).retryRoute) this.picker.end(entry, decision.reach, decision.reason);
        this.moveOn(decision.unknownModel ? 'unknown_model' : decision.reason);
        return 'again';
    }
  }

  private leaveReasonFor(why: Unavailable): LeaveReason {
    if (why === 'ended' || why === 'exhausted') return this.record.lastFailureClass ?? 'unfit';
    // A held route is one whose rate limit is spent.
    return why === 'held' ? 'rate_limited' : why;
  }

  private moveOn(reason: LeaveReason): void {
    this.picker.moveOn();
    this.backoff = initialBackoffState;
    this.leftReason ??= reason;
  }

  /** Counts a request on a route the first time this request tries it (retry and hedge budgets). */
  private countRequest(entry: ChainEntry): void {
    if (this.countedOn.has(entry.key)) return;
    this.countedOn.add(entry.key);
    this.deps.routes.budget(entry.route).recordRequest();
    this.deps.tail?.budget(entry.key).recordRequest();
  }

  /** The provider's client, or null when it cannot be set up (its routes are then ended). */
  private async resolveClient(entry: ChainEntry): Promise<ResolvedClient | null> {
    const { config } = this.deps;
    try {
      return await this.deps.clients.clientFor(entry.providerIndex, config.providers[entry.providerIndex]!);
    } catch (error) {
      const name = PROVIDER_NAMES[entry.route.provider];
      const detail = error instanceof Error ? error.message : 'the provider could not be set up';
      if (error instanceof ProviderSetupError && error.kind === 'missing_api_key') {
        // The provider's own message names it and what to do ("Bedrock: no AWS credentials found … — run …").
        this.record.noteFailure(localFailure('auth', 'missing_credentials', `Authentication failed — ${detail.includes(name) || /^(Bedrock|Vertex|Anthropic)\b/.test(detail) ? detail : `${name}: ${detail}`}`));
        this.picker.end(entry, 'provider', 'auth');
        this.moveOn('auth');
        return null;
      }
      this.say.warning('config', `${entry.route.provider}: ${detail}`, entry.route.model);
      this.picker.end(entry, 'provider', 'bad_request');
      this.moveOn('unfit');
      return null;
    }
  }

  /** The provider's client for a hedge's route (already set up for the route that is running). */
  private async hedgeClient(entry: ChainEntry): Promise<ResolvedClient | null> {
    try {
      return await this.deps.clients.clientFor(entry.providerIndex, this.deps.config.providers[entry.providerIndex]!);
    } catch {
      return null;
    }
  }
}

export async function runRequest(deps: RunDependencies, request: MessagesBody, options: RunOptions): Promise<Outcome> {
  const run = new RequestRun(deps, request, options);
  const problem = validateRequest(request);
  if (problem) return run.fail('bad_request', problem);
  return run.execute();
}
