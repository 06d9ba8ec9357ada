// Two clients measured in alternating rounds (each round both, the order swapped every round, so
// load on the machine falls on both alike): the per-round figures, their medians, and the spread
// across rounds. A single long run's mean moves with whatever else the machine did meanwhile; the
// median of several paired rounds, shown with its lowest and highest round, is a figure a reader
// can weigh.
import { percentile } from './percentile';

/** One round: CPU per request of the bare SDK and of ours, in milliseconds. */
export interface PairedRound {
  readonly sdkMs: number;
  readonly oursMs: number;
}

/** A figure over the rounds: their median, lowest and highest. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface PairedFigures {
  readonly rounds: readonly PairedRound[];
  readonly sdkMs: Spread;
  readonly oursMs: Spread;
  /** ours − SDK, round by round. */
  readonly diffMs: Spread;
  /** ours ÷ SDK, round by round. */
  readonly ratio: Spread;
}

const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places;

/** Median (the mean of the middle two for an even count), lowest and highest. */
export function spreadOf(values: readonly number[], places = 2): Spread {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? (percentile(sorted, 50) ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return { median: round(median, places), min: round(sorted[0] ?? Number.NaN, places), max: round(sorted[sorted.length - 1] ?? Number.NaN, places) };
}

export function pairRounds(rounds: readonly PairedRound[]): PairedFigures {
  return {
    rounds: rounds.map((r) => ({ sdkMs: round(r.sdkMs, 3), oursMs: round(r.oursMs, 3) })),
    sdkMs: spreadOf(rounds.map((r) => r.sdkMs)),
    oursMs: spreadOf(rounds.map((r) => r.oursMs)),
    diffMs: spreadOf(rounds.map((r) => r.oursMs - r.sdkMs)),
    ratio: spreadOf(rounds.map((r) => r.oursMs / r.sdkMs), 3),
  };
}

const signed = (ms: number): string => `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(2)}`;

/** "5.41 vs 4.98 ms, +0.43 ms (rounds +0.21…+0.60), ratio 1.09 (1.04…1.12)". */
export function pairedLine(f: PairedFigures): string {
  return (
    `${f.oursMs.median.toFixed(2)} vs ${f.sdkMs.median.toFixed(2)} ms, ${signed(f.diffMs.median)} ms ` +
    `(rounds ${signed(f.diffMs.min)}…${signed(f.diffMs.max)}), ratio ${f.ratio.median.toFixed(2)} (${f.ratio.min.toFixed(2)}…${f.ratio.max.toFixed(2)})`
  );
}
