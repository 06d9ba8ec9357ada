// One attempt's lane: its route, client and body, and the lease that holds what it needs on
// that route. The first attempt and a hedge are lanes alike (a hedge on the next route has its
// own body, adapted for its model as a fallback would be); launching one runs the attempt under
// its lease, with the request's signal, deadline, stall limits and secrets.
import { adaptRequest } from './adaptRequest';
import { runAttempt } from './attempt';
import { systemClock } from './clock';
import type { ContinuationPlan } from './continuation';
import { DEFAULT_TAIL } from './defaults';
import type { Entrant } from './hedgedAttempt';
import type { AttemptFeed } from './answerRelay';
import { passHeadersFor } from './passHeaders';
import type { ResolvedClient } from './providers';
import type { RouteLease } from './routeLease';
import type { ChainEntry } from './routePicker';
import type { RunDependencies, RunOptions } from './runDependencies';
import type { TailState } from './tailState';
import { firstByteLimitMs } from './tailState';
import type { MessagesBody } from './types';
import type { StreamParams } from './wire';
import { PROVIDER_NAMES } from '../shared/vocabulary';

export interface Lane {
  readonly entry: ChainEntry;
  readonly resolved: ResolvedClient;
  readonly params: StreamParams;
  readonly thinkingOn: boolean;
  readonly lease: RouteLease;
}

/** A lane for a route: the request (continued by `plan`) adapted to the route's model; each
 *  adaptation is noted. `thinkingOff`: the route's model refuses thinking, or this request dropped it. */
export function laneFor(
  entry: ChainEntry,
  resolved: ResolvedClient,
  lease: RouteLease,
  request: MessagesBody,
  plan: ContinuationPlan,
  thinkingOff: boolean,
  note: (adaptation: string, model: string) => void,
  asFallback = true,
): Lane {
  const { model } = entry.route;
  const adapted = adaptRequest({ ...request, messages: plan.messages }, model, thinkingOff, plan.dropThinking, asFallback);
  for (const adaptation of adapted.notes) note(adaptation, model);
  const { model: _ignored, ...body } = adapted.body;
  void _ignored;
  const thinkingOn = adapted.body.thinking !== undefined && adapted.body.thinking.type !== 'disabled';
  return { entry, resolved, params: { ...body, model, stream: true }, thinkingOn, lease };
}

/** The hedge threshold on a route for a request of this size; null without tail learning. */
export function hedgeThresholdMs(tail: TailState | undefined, key: string, inputTokens: number): number | null {
  if (tail === undefined) return null;
  const { hedgeFactor, hedgeFloorMs, hedgeColdMs } = tail.settings;
  return tail.tracker(key).thresholdMs(inputTokens, hedgeFactor, hedgeFloorMs, hedgeColdMs);
}

/** What launching a lane takes from its request. */
export interface LaneLaunch {
  readonly deps: RunDependencies;
  readonly options: RunOptions;
  readonly estimatedInput: number;
  /** A feed of the request's relay for one attempt (each lane of a hedged pair has its own:
   *  only the one that claimed the race hands events on). */
  feed(): AttemptFeed;
  /** Milliseconds left before the request's deadline. */
  remainingMs(): number;
  onStall(entry: ChainEntry, silentMs: number, flowing: boolean): void;
}

export interface Launched {
  readonly entrant: Entrant;
  readonly assembler: AttemptFeed;
}

/** Starts the lane's attempt under its lease. `claim` is asked before the first content is handed on. */
export function launchLane(lane: Lane, launch: LaneLaunch, claim: () => boolean, onBody?: () => void): Launched {
  const { route, key } = lane.entry;
  const { routes, tail, config, secrets } = launch.deps;
  const { signal, clientRequestId } = launch.options;
  const timers = launch.deps.attemptClock ?? systemClock;
  const others = secrets?.() ?? [];
  const tailConfig = tail?.settings ?? DEFAULT_TAIL;
  const assembler = launch.feed();
  // The attempt hands back its own abort: a lane needs no signal of its own to be stopped.
  let abortAttempt: (() => void) | null = null;
  let abortedEarly = false;
  const firstByteMs = firstByteLimitMs(tail?.firstByteTracker(key) ?? null, tailConfig, launch.estimatedInput, hedgeThresholdMs(tail, key, launch.estimatedInput) ?? tailConfig.hedgeColdMs);
  const done = lane.lease
    .run(() =>
      runAttempt({
        client: lane.resolved.client,
        params: lane.params,
        assembler,
        headersTimeoutMs: config.headersTimeoutMs,
        stall: { firstByteMs, beforeContentMs: config.idleTimeoutMs, floorMs: tailConfig.stallFloorMs, gapMultiple: tailConfig.stallGapMultiple },
        clock: timers,
        deadline: timers.now() + launch.remainingMs(),
        signal,
        abortable: (abort) => {
          abortAttempt = abort;
          if (abortedEarly) abort();
        },
        clientRequestId,
        headers: passHeadersFor(route.provider, launch.options.headers),
        // Bedrock and Vertex address a model by path: the caller's query is the Anthropic API's only.
        ...(route.provider === 'anthropic' && launch.options.query ? { query: launch.options.query } : {}),
        secrets: lane.resolved.secret ? [lane.resolved.secret, ...others] : others,
        providerName: PROVIDER_NAMES[route.provider],
        onHeaders: (headers) => {
          routes.breaker(route).answerStarted();
          routes.pacer.observe(lane.entry.limitKey, headers);
          routes.tier.observe(lane.entry.limitKey, headers, lane.lease.booking);
        },
        onFirstContent: (requestId) => {
          if (!claim()) return false;
          try {
            launch.options.onAnswering?.({ requestId, provider: route.provider, model: route.model });
          } catch {
            // A listener's failure must not break the request.
          }
          return true;
        },
        onBody,
        onStall: (silentMs, flowing) => launch.onStall(lane.entry, silentMs, flowing),
      }),
    );
  const abort = (): void => {
    if (abortAttempt === null) abortedEarly = true;
    else abortAttempt();
  };
  return { entrant: { done, abort }, assembler };
}
