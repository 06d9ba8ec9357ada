// How often a running batch is checked: gently, and less often the longer it
// runs (batches take minutes to hours), never more often than every few seconds.

export interface PollSchedule {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 5_000, maxMs: 5 * 60_000, factor: 1.5 };

/** The wait before the next check, given the last one (null for the first). */
export function nextPollDelay(previousMs: number | null, schedule: PollSchedule = DEFAULT_POLL_SCHEDULE): number {
  if (previousMs === null) return schedule.initialMs;
  return Math.min(schedule.maxMs, Math.max(schedule.initialMs, Math.round(previousMs * schedule.factor)));
}
