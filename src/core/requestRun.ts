// One request's journey through the chain, one turn at a time:
//   pick   — the first route that can be tried (routePicker.ts), or wait for one / fail truthfully;
//   lease  — what an attempt needs on it: breaker permit, pacing booking, concurrency slot (routeLease.ts);
//   race   — the attempt, and a hedge beside it when its first token is late (laneRace.ts, hedgePlan.ts);
//   record — the attempts, request ids and outcome (runRecord.ts);
//   decide — what the failure calls for (decide.ts, pure);
//   apply  — wait and retry, adapt, move on, finish or fail.
// The answer is carried across attempts, and handed on, by answerRelay.ts; where the request
// stands along its chain (route, why it left the last, backoff, budgets counted) by chainPosition.ts.
import type { Classification } from './classify';
import type { Clock } from './contract';
import { CanceledError, systemClock } from './clock';
import { AnswerRelay } from './answerRelay';
import type { Decision } from './decide';
import { decide } from './decide';
import { DEFAULT_TAIL } from './defaults';
import { policyOf } from './errorClasses';
import type { HedgeContext } from './hedgePlan';
import { planHedge } from './hedgePlan';
import type { Lane, LaneLaunch } from './lane';
import { hedgeThresholdMs, laneFor } from './lane';
import type { LaneRace } from './laneRace';
import { learnFromRace, raceLanes, settleRace } from './laneRace';
import { formatDuration } from './models';
import { noRouteReason } from './noRouteReason';
import { RequestBounds } from './policies/bounds';
import type { BreakerPermit } from './policies/circuitBreaker';
import { isDuplicable } from './policies/hedgeGate';
import type { PaceEstimate } from './policies/tierPacer';
import { paceCheck } from './policies/tierPacer';
import type { ResolvedClient } from './providers';
import { routeClient } from './routeClient';
import { routeView } from './routeView';
import { requestNarrator } from './requestNarrator';
import type { RequestNarrator } from './requestNarrator';
import { RouteLease } from './routeLease';
import { ChainPosition } from './chainPosition';
import { credentialScopes } from './credentialScope';
import type { ChainEntry, Pick, Unavailable } from './routePicker';
import { fitsWindow, RoutePicker } from './routePicker';
import { RunRecord } from './runRecord';
import type { RunDependencies, RunOptions } from './runDependencies';
import { estimateRequestTokens } from './tokenEstimate';
import type { ErrorClass, MessagesBody, Outcome } from './types';
import { validateRequest } from './requestValidation';

export const DEFAULT_HOLD_CAP_MS = 60_000;

/** What one turn leads to: an outcome, or another turn. */
type Step = Outcome | 'again';

class RequestRun {
  private readonly bounds: RequestBounds;
  private readonly picker: RoutePicker;
  private readonly estimate: Omit<PaceEstimate, 'share'>;
  private readonly relay: AnswerRelay;
  private readonly record: RunRecord;
  private readonly say: RequestNarrator;
  /** How this request's lanes are launched. */
  private readonly launch: LaneLaunch;
  /** What a hedge of this request needs; null without tail learning (no hedging). */
  private readonly hedging: HedgeContext | null;
  /** The route the request is on, why it left the last, its backoff there, the budgets it counted on. */
  private readonly position: ChainPosition;
  private budgetWarned = false;
  /** Thinking dropped for the rest of this request (the API refused it for this request's shape). */
  private thinkingDropped = false;
  private hedged = false;
  /** The Anthropic API's refusal of the model the caller named (a 404), kept while its other routes are asked. */
  private apiRefusal: Classification | null = null;
  /** The clock of attempts' own timers (headers, stall, hedge). */
  private readonly timers: Clock;

  constructor(
    private readonly deps: RunDependencies,
    private readonly request: MessagesBody,
    private readonly options: RunOptions,
    /** The scope of the credential this request spends on each provider (credentialScope.ts). */
    scopes: readonly string[],
  ) {
    const { config, clock, routes } = deps;
    const startedAt = clock.now();
    this.bounds = new RequestBounds(config.retry, startedAt);
    const inputTokens = request && Array.isArray(request.messages) ? estimateRequestTokens(request) : 0;
    this.estimate = { priority: options.priority, inputTokens, outputTokens: request?.max_tokens };
    const fits = fitsWindow(inputTokens, Number.isInteger(request?.max_tokens) ? request.max_tokens : 0);
    const paced = (limitKey: string) => paceCheck(routes.tier, limitKey, config.pacing, this.estimate);
    this.picker = new RoutePicker(config.models, config.providers.map((p) => p.id), request?.model, routes, this.bounds, fits, config.retry.retryAfterCapMs, paced, scopes);
    this.timers = deps.attemptClock ?? systemClock;
    this.say = requestNarrator(deps, options.clientRequestId);
    this.position = new ChainPosition(this.picker, deps, this.say);
    this.relay = new AnswerRelay(options.onItem, options.view);
    this.record = new RunRecord(options.clientRequestId, startedAt, () => clock.now(), deps.emit, this.relay);
    this.launch = {
      deps,
      options,
      estimatedInput: inputTokens,
      feed: () => this.relay.feed(),
      remainingMs: () => this.bounds.remainingMs(clock.now()),
      onStall: (on, silentMs, flowing) => this.say.stall(on, silentMs, flowing ? 'mid_stream' : 'first_token', 'reconnect'),
    };
    const { tail } = deps;
    this.hedging = tail === undefined ? null : { deps, options, tail, picker: this.picker, bounds: this.bounds, duplicable: isDuplicable(request), estimate: this.estimate };
  }

  fail(errorClass: ErrorClass, message: string, apiMessage?: string): Outcome {
    return this.record.fail(errorClass, message, apiMessage);
  }

  /**
   * The named model is unknown on every route of it: the caller is told the Anthropic API's own
   * refusal when the API was asked (it speaks that API; another provider's 404 is that provider's),
   * else the last provider's.
   */
  private failUnknownNamedModel(failure: Classification): Outcome {
    const told = this.apiRefusal ?? failure;
    const apiRequestId = told !== failure && told.requestId !== null ? told.requestId : undefined;
    return this.record.fail('bad_request', told.message, told.apiMessage, apiRequestId);
  }

  /** The API does not know the model the caller named, and no other route of that model is left to ask. */
  private namedModelUnknown(entry: ChainEntry): boolean {
    if (this.options.namedModel !== true || entry.route.model !== this.picker.first.route.model) return false;
    const chain = this.picker.chain;
    return !chain.slice(chain.indexOf(entry) + 1).some((later) => later.route.model === entry.route.model);
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
      // A route in doubt is looked at again shortly without announcing each look.
      if (!(await this.sleep(waitMs, this.record.lastFailureClass ?? 'overloaded', this.picker.first, picked.inDoubt === true))) return this.record.canceled();
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
    const lease = new RouteLease(entry.limitKey, routes.tier, { breaker: routes.breaker(entry.route), permit });
    try {
      this.position.arrive(entry, skipped, this.record.lastFailureClass);

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
    const firstNumber = this.bounds.recordAttempt(entry.key);
    this.position.count(entry);
    const plan = this.relay.plan(this.request.messages);
    const laneOn = (on: ChainEntry, client: ResolvedClient, onLease: RouteLease): Lane =>
      laneFor(on, client, onLease, this.request, plan, routes.refusesThinking(on.route) || this.thinkingDropped, (note, model) => this.record.adapted(note, model), on.route.model !== this.picker.first.route.model);
    const first = laneOn(entry, resolved, lease);
    const { inputTokens } = this.estimate;
    const coldAtStart = tail === undefined || tail.tracker(entry.key).expectedHighMs(inputTokens) === null;
    const hedgedAlready = this.hedged;
    const startedAt = clock.now();
    const race = await raceLanes({
      first,
      firstNumber,
      clock: this.timers,
      thresholdMs: (tail?.settings ?? DEFAULT_TAIL).hedge && !hedgedAlready ? hedgeThresholdMs(tail, entry.key, inputTokens) : null,
      launch: this.launch,
      planHedge: async (bodyStarted) => (this.hedging === null ? null : planHedge(this.hedging, { first, hedgedAlready, coldAtStart, bodyStarted, laneOn })),
      onHedge: (hedge) => {
        this.hedged = true;
        const number = this.bounds.recordAttempt(hedge.entry.key);
        this.position.count(hedge.entry);
        this.say.stall(entry, this.timers.now() - startedAt, 'first_token', 'hedge', hedge.entry);
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
    // The hedge answered on the next route: the request has moved there.
    if (at !== entry) this.position.movedByHedge(entry, at);
    const { result, assembler } = winner;
    this.record.attempt(at, winner.number, startedAt, result);
    settleRace(race);
    learnFromRace(routes, tail, entry, race, this.estimate.inputTokens);
    if (result.ok) {
      // Every stop reason is an answer: it ends the request here, once.
      assembler.settle();
      return this.record.succeed(at, false);
    }

    const failure = result.failure;
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
    const { retry } = this.deps.config;
    const decision = decide(
      { ...failure, modelSpecific: failure.modelSpecific ?? false },
      routeView(routes, this.bounds, this.picker, at, now, { continuing: this.relay.started, thinkingOn: winner.lane.thinkingOn }),
      { retry, remainingMs: this.bounds.remainingMs(now), holdCapMs: retry.holdCapMs ?? DEFAULT_HOLD_CAP_MS },
      { retryAvailable: routes.budget(at.route).available() > 0 },
      this.position.backoff,
      now,
      this.deps.random,
    );
    return this.apply(decision, at, failure);
  }

  private async apply(decision: Decision, entry: ChainEntry, failure: Classification): Promise<Step> {
    const { routes } = this.deps;
    const { route, key, limitKey } = entry;
    switch (decision.kind) {
      case 'retry':
        routes.budget(route).tryAcquire();
        this.position.backoff = decision.backoff;
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
        // A rate limit's hold is the credential's; an overloaded model's (a 529's retry-after) everyone's.
        if (decision.holdUntil !== null) routes.pacer.hold(failure.errorClass === 'rate_limited' ? limitKey : key, decision.holdUntil);
        // The caller asked for this model by name: it is told the API's answer, not served by another.
        if (decision.unknownModel && this.options.namedModel === true && route.provider === 'anthropic') this.apiRefusal ??= failure;
        if (decision.unknownModel && this.namedModelUnknown(entry)) return this.failUnknownNamedModel(failure);
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
        this.position.moveOn(decision.unknownModel ? 'unknown_model' : decision.reason);
        return 'again';
    }
  }

  /** The provider's client, or null when it cannot be set up (its routes are then ended). */
  private async resolveClient(entry: ChainEntry): Promise<ResolvedClient | null> {
    const found = await routeClient(this.deps.clients, this.deps.config, entry, { clientRequestId: this.options.clientRequestId });
    if (found.kind === 'client') return found.resolved;
    if (found.kind === 'no_credentials') this.record.noteFailure(found.failure);
    else this.say.warning('config', found.warning, entry.route.model);
    this.picker.end(entry, 'provider', found.kind === 'no_credentials' ? 'auth' : 'bad_request');
    this.position.moveOn(found.kind === 'no_credentials' ? 'auth' : 'unfit');
    return null;
  }
}

export async function runRequest(deps: RunDependencies, request: MessagesBody, options: RunOptions): Promise<Outcome> {
  // Whose rate limits the request spends, named before the first pick (a hold is the credential's;
  // a refused request names it too, so its manager shows that credential's holds).
  const named = credentialScopes(deps.config.providers, { clientRequestId: options.clientRequestId });
  const scopes = Array.isArray(named) ? named : await named;
  const run = new RequestRun(deps, request, options, scopes);
  const problem = validateRequest(request);
  if (problem) return run.fail('bad_request', problem);
  return run.execute();
}
