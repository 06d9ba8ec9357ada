// Hedging a late first token: run an attempt, and when it has shown no content
// by the threshold, start one more beside it on a fresh connection. The first
// of the two to produce content wins — it claims the race before handing
// anything on — and the other is aborted at once, so the caller never sees two
// answers. An attempt that finishes without content settles nothing while its
// rival still runs; when both fail, the first attempt's failure is the one the
// retry policy hears (the hedge's is reported beside it).
import { scheduleOn } from './clock';
import type { Clock } from './contract';
import type { AttemptResult } from './attempt';

export type Role = 'first' | 'hedge';

export interface Entrant {
  readonly done: Promise<AttemptResult>;
  abort(): void;
}

/** A hedge that may start: its budget and concurrency slot are taken. */
export interface HedgeTicket {
  launch(claim: () => boolean): Entrant;
  /** The hedge is no longer wanted: give back what the ticket took. */
  giveBack(): void;
}

export interface HedgeRaceInput {
  readonly clock: Clock;
  /** Milliseconds without content before hedging; null never hedges. */
  readonly thresholdMs: number | null;
  start(claim: () => boolean): Entrant;
  /** Asked once the threshold passed with no content: a ticket, or null when a hedge may not start. */
  hedge(): Promise<HedgeTicket | null>;
  /** The hedge was launched (for narration and counts). */
  onHedge?(): void;
}

export interface Finished {
  readonly role: Role;
  readonly result: AttemptResult;
}

export interface RaceResult {
  /** The attempt whose result stands (the one that produced content, or the one to decide on). */
  readonly winner: Finished;
  /** The other attempt, when a hedge ran (aborted, or failed on its own). */
  readonly loser: Finished | null;
}

export function raceWithHedge(input: HedgeRaceInput): Promise<RaceResult> {
  return new Promise<RaceResult>((resolve) => {
    const entrants = new Map<Role, Entrant>();
    const results = new Map<Role, AttemptResult>();
    let claimed: Role | null = null;
    let chosen: Role | null = null;
    let hedgePending = false;
    let stopTimer: () => void = () => undefined;
    const other = (role: Role): Role => (role === 'first' ? 'hedge' : 'first');
    const running = (role: Role): boolean => entrants.has(role) && !results.has(role);

    const choose = (role: Role): void => {
      if (chosen !== null) return;
      chosen = role;
      stopTimer();
      if (running(other(role))) entrants.get(other(role))?.abort();
    };

    const settle = (): void => {
      if (chosen === null) {
        const first = results.get('first');
        const hedge = results.get('hedge');
        if (first?.ok) choose('first');
        else if (hedge?.ok) choose('hedge');
        else if (first && !running('hedge') && !hedgePending) choose('first');
        else if (hedge && !running('first')) choose(first ? 'first' : 'hedge');
      }
      if (chosen === null || !results.has(chosen) || running(other(chosen)) || hedgePending) return;
      const winner: Finished = { role: chosen, result: results.get(chosen)! };
      const lost = results.get(other(chosen));
      resolve({ winner, loser: lost ? { role: other(chosen), result: lost } : null });
    };

    const claimFor = (role: Role) => (): boolean => {
      if (claimed === null && chosen === null) {
        claimed = role;
        choose(role);
        return true;
      }
      return chosen === role;
    };

    const enter = (role: Role, entrant: Entrant): void => {
      entrants.set(role, entrant);
      void entrant.done.then((result) => {
        results.set(role, result);
        if (role === 'first' && !result.ok && !running('hedge')) stopTimer();
        settle();
      });
    };

    enter('first', input.start(claimFor('first')));

    if (input.thresholdMs === null) return;
    const onThreshold = async (): Promise<void> => {
      if (chosen !== null || results.has('first')) return;
      hedgePending = true;
      let ticket: HedgeTicket | null = null;
      try {
        ticket = await input.hedge();
      } finally {
        hedgePending = false;
      }
      if (ticket !== null && chosen === null && !results.has('first')) {
        input.onHedge?.();
        enter('hedge', ticket.launch(claimFor('hedge')));
      } else {
        ticket?.giveBack();
      }
      settle();
    };
    stopTimer = scheduleOn(input.clock, input.thresholdMs, () => void onThreshold().catch(() => undefined));
  });
}
