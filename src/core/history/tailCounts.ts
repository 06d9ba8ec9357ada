// Hedges and stalls per route, read from the history's failure log: a hedged pair
// leaves one attempt recorded as `hedge_lost` (the one whose answer did not stand,
// aborted once the other produced content), and an attempt cut by the stall
// watchdog (a body that never started, or a stream gone silent) is recorded as
// `stall`. Counted over whatever span of the log the caller passes.
import type { ProviderId } from '../types';

export interface RouteTailCount {
  readonly provider: ProviderId;
  readonly model: string;
  /** Hedged pairs whose other attempt answered (the `hedge_lost` attempt was on this route). */
  readonly hedges: number;
  /** Responses cut on this route for silence (no body after the headers, or a stream gone quiet). */
  readonly stalls: number;
}

interface Logged {
  readonly provider: ProviderId;
  readonly model: string;
  readonly errorType: string | null;
}

/** Routes with at least one hedge or stall, in order of first appearance. */
export function countHedgesAndStalls(failures: readonly Logged[]): RouteTailCount[] {
  const byRoute = new Map<string, { provider: ProviderId; model: string; hedges: number; stalls: number }>();
  for (const failure of failures) {
    const hedge = failure.errorType === 'hedge_lost';
    const stall = failure.errorType === 'stall';
    if (!hedge && !stall) continue;
    const key = `${failure.provider}:${failure.model}`;
    let counts = byRoute.get(key);
    if (counts === undefined) {
      counts = { provider: failure.provider, model: failure.model, hedges: 0, stalls: 0 };
      byRoute.set(key, counts);
    }
    if (hedge) counts.hedges += 1;
    else counts.stalls += 1;
  }
  return [...byRoute.values()];
}
