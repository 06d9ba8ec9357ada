// Turns one model's display buckets into the columns uPlot draws. Pure; unit-tested.
import type { ModelHistory } from './protocol';

export interface ChartColumns {
  /** Bucket starts in seconds (uPlot's time unit). */
  readonly x: number[];
  readonly overloaded529: number[];
  readonly rateLimited429: number[];
  readonly server5xx: number[];
  /** 529s / attempts per bucket in percent; null where the bucket had no attempts. */
  readonly rate529Percent: (number | null)[];
  /** The alert threshold in percent, repeated per bucket (drawn as a line). */
  readonly thresholdPercent: number[];
}

export function chartColumns(history: ModelHistory, threshold: number): ChartColumns {
  const columns: ChartColumns = {
    x: [],
    overloaded529: [],
    rateLimited429: [],
    server5xx: [],
    rate529Percent: [],
    thresholdPercent: [],
  };
  for (const bucket of history.buckets) {
    columns.x.push(bucket.start / 1000);
    columns.overloaded529.push(bucket.overloaded529);
    columns.rateLimited429.push(bucket.rateLimited429);
    columns.server5xx.push(bucket.server5xx);
    columns.rate529Percent.push(bucket.attempts === 0 ? null : (bucket.overloaded529 / bucket.attempts) * 100);
    columns.thresholdPercent.push(threshold * 100);
  }
  return columns;
}

/** A sentence describing the chart for screen readers. */
export function chartDescription(history: ModelHistory, threshold: number): string {
  const t = history.totals;
  const peak = history.buckets.reduce(
    (best, b) => (b.attempts > 0 && b.overloaded529 / b.attempts > best ? b.overloaded529 / b.attempts : best),
    0,
  );
  return (
    `${history.model}: ${t.overloaded529} overloaded (529), ${t.rateLimited429} rate-limited (429), ` +
    `${t.server5xx} server errors (5xx) in ${t.attempts} attempts; peak 529 rate ${Math.round(peak * 100)}% ` +
    `against a ${Math.round(threshold * 100)}% alert threshold.`
  );
}
