// The race of one attempt and, when its first token is late, a hedge beside it (hedgedAttempt.ts
// runs the race): both are lanes, launched alike; the result names each lane with its attempt
// number, result and assembled answer. Once the race is recorded, `settleRace` settles both
// leases and `learnFromRace` tells the routes what it showed.
import type { AttemptResult } from './attempt';
import type { Clock } from './contract';
import type { Finished, Role } from './hedgedAttempt';
import { raceWithHedge } from './hedgedAttempt';
import type { Lane, LaneLaunch } from './lane';
import { launchLane } from './lane';
import type { AttemptFeed } from './answerRelay';
import { verdictOf } from './routeLease';
import type { ChainEntry } from './routePicker';
import type { RouteState } from './routeState';
import type { TailState } from './tailState';

export interface LaneRun {
  readonly role: Role;
  readonly lane: Lane;
  /** The attempt's number within the request. */
  readonly number: number;
  readonly result: AttemptResult;
  readonly assembler: AttemptFeed;
}

export interface LaneRace {
  /** The attempt whose result stands. */
  readonly winner: LaneRun;
  /** The other attempt, when a hedge ran (aborted, or failed on its own). */
  readonly loser: LaneRun | null;
}

export interface RaceInput {
  readonly first: Lane;
  readonly firstNumber: number;
  readonly clock: Clock;
  /** Milliseconds without content before hedging; null never hedges. */
  readonly thresholdMs: number | null;
  readonly launch: LaneLaunch;
  /** A hedge lane that may start now (its lease taken), or null. */
  planHedge(firstBodyStarted: boolean): Promise<Lane | null>;
  /** The hedge starts: returns its attempt number. */
  onHedge(lane: Lane): number;
}

export async function raceLanes(input: RaceInput): Promise<LaneRace> {
  const lanes = new Map<Role, { readonly lane: Lane; readonly number: number; assembler?: AttemptFeed }>();
  let bodyStarted = false;
  const race = await raceWithHedge({
    clock: input.clock,
    thresholdMs: input.thresholdMs,
    start: (claim) => {
      const started = launchLane(input.first, input.launch, claim, () => {
        bodyStarted = true;
      });
      lanes.set('first', { lane: input.first, number: input.firstNumber, assembler: started.assembler });
      return started.entrant;
    },
    hedge: async () => {
      const lane = await input.planHedge(bodyStarted);
      if (lane === null) return null;
      return {
        launch: (claim) => {
          const number = input.onHedge(lane);
          const started = launchLane(lane, input.launch, claim);
          lanes.set('hedge', { lane, number, assembler: started.assembler });
          return started.entrant;
        },
        giveBack: () => lane.lease.settle('release'),
      };
    },
  });
  const runOf = ({ role, result }: Finished): LaneRun => {
    const { lane, number, assembler } = lanes.get(role)!;
    return { role, lane, number, result, assembler: assembler! };
  };
  return { winner: runOf(race.winner), loser: race.loser === null ? null : runOf(race.loser) };
}

/** Settles both lanes' leases. A lane's breaker hears the result that stands on its route: the
 *  winner's when the winner ran there (a hedge on the same route shares the first's permit),
 *  else its own — an attempt that lost while it was still fine is given back. */
export function settleRace(race: LaneRace): void {
  const { winner, loser } = race;
  if (loser !== null) {
    const sameRoute = loser.lane.entry === winner.lane.entry;
    loser.lane.lease.settle(sameRoute ? verdictOf(winner.result) : loser.result.ok ? 'release' : verdictOf(loser.result));
  }
  winner.lane.lease.settle(verdictOf(winner.result));
}

/** What a race teaches the routes: hedges won, first-token and first-byte times of the attempt
 *  that stands, and the limits a failed response's headers announce. */
export function learnFromRace(routes: RouteState, tail: TailState | undefined, entry: ChainEntry, race: LaneRace, inputTokens: number): void {
  const { result, lane } = race.winner;
  const { key } = lane.entry;
  if (race.winner.role === 'hedge') tail?.countHedgeWon(entry.key);
  if (result.firstContentMs !== null) tail?.tracker(key).record(inputTokens, result.firstContentMs);
  if (result.bodyStartMs !== null) tail?.firstByteTracker(key).record(inputTokens, result.bodyStartMs);
  if (result.ok) return;
  routes.pacer.observe(lane.entry.limitKey, result.headers);
  routes.tier.observe(lane.entry.limitKey, result.headers, lane.lease.booking);
}
