// Time to first token on one route, learned from recent answers and scaled by
// prompt size (a long prompt takes longer to prefill). A small sliding window of
// (input tokens, milliseconds) samples; the expected time for a prompt is a
// least-squares line through them, and the spread is the window's high quantile
// of observed / expected. The hedge threshold is that quantile times a factor,
// never below a floor; until enough answers were seen, a cautious cold value.

export interface FirstTokenOptions {
  /** Samples kept (the most recent). */
  readonly window: number;
  /** Samples needed before the learned threshold replaces the cold one. */
  readonly minSamples: number;
  /** Which quantile of observed / expected is taken as "slow but healthy" (e.g. 0.95). */
  readonly quantile: number;
}

export const DEFAULT_FIRST_TOKEN_OPTIONS: FirstTokenOptions = { window: 64, minSamples: 5, quantile: 0.95 };

interface Sample {
  readonly tokens: number;
  readonly ms: number;
}

interface Line {
  readonly intercept: number;
  readonly slope: number;
}

export class FirstTokenTracker {
  private readonly samples: Sample[] = [];
  private fitted: { line: Line; spread: number } | null = null;
  /** Scratch for the fit's ratios (grown to the window on first use). */
  private ratios = new Float64Array(0);

  constructor(private readonly options: FirstTokenOptions = DEFAULT_FIRST_TOKEN_OPTIONS) {}

  get size(): number {
    return this.samples.length;
  }

  /** An answer whose first content came `ms` after its attempt started. */
  record(inputTokens: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || !Number.isFinite(inputTokens) || inputTokens < 0) return;
    this.samples.push({ tokens: inputTokens, ms });
    if (this.samples.length > this.options.window) this.samples.shift();
    this.fitted = null;
  }

  /** The high quantile of time to first token expected for a prompt of this size; null while cold. */
  expectedHighMs(inputTokens: number): number | null {
    if (this.samples.length < this.options.minSamples) return null;
    this.fitted ??= this.fit();
    const { line, spread } = this.fitted;
    return Math.max(1, line.intercept + line.slope * Math.max(0, inputTokens)) * spread;
  }

  /** When to hedge an attempt that has shown no content: max(floor, factor × high quantile), or `coldMs` while cold. */
  thresholdMs(inputTokens: number, factor: number, floorMs: number, coldMs: number): number {
    const high = this.expectedHighMs(inputTokens);
    return high === null ? Math.max(floorMs, coldMs) : Math.max(floorMs, factor * high);
  }

  /** The latest `recent` first tokens each took at least `factor` × the route's usual time for
   *  their prompt size: the route is slower than it was (false while too few answers were seen). */
  degraded(recent = 3, factor = 2): boolean {
    if (this.samples.length < Math.max(this.options.minSamples, 2 * recent)) return false;
    this.fitted ??= this.fit();
    const { line } = this.fitted;
    return this.samples.slice(-recent).every((s) => s.ms >= factor * Math.max(1, line.intercept + line.slope * s.tokens));
  }

  private fit(): { line: Line; spread: number } {
    const n = this.samples.length;
    let sx = 0;
    let sy = 0;
    for (const s of this.samples) {
      sx += s.tokens;
      sy += s.ms;
    }
    const mx = sx / n;
    const my = sy / n;
    let sxx = 0;
    let sxy = 0;
    for (const s of this.samples) {
      sxx += (s.tokens - mx) * (s.tokens - mx);
      sxy += (s.tokens - mx) * (s.ms - my);
    }
    // Prompts of one size, or a line that would fall with size: the mean alone.
    let line: Line = { intercept: my, slope: 0 };
    if (sxx > 0 && sxy > 0) {
      const slope = sxy / sxx;
      const intercept = my - slope * mx;
      line = intercept >= 0 ? { intercept, slope } : { intercept: 0, slope: sy / Math.max(1, sx) };
    }
    // This runs once per answer: the quantile is selected in a buffer kept between fits, not sorted out of a new one.
    if (this.ratios.length < n) this.ratios = new Float64Array(this.options.window);
    const ratios = this.ratios;
    for (let i = 0; i < n; i++) ratios[i] = this.samples[i]!.ms / Math.max(1, line.intercept + line.slope * this.samples[i]!.tokens);
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(this.options.quantile * n) - 1));
    return { line, spread: Math.max(1, selectRank(ratios, n, rank)) };
  }
}

/** The `rank`-th smallest (from 0) of the first `n` values, as a sort would place it; reorders them (Hoare's selection). */
export function selectRank(values: Float64Array, n: number, rank: number): number {
  let low = 0;
  let high = n - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i] = values[j]!;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (rank <= j) high = j;
    else if (rank >= i) low = i;
    else break;
  }
  return values[rank]!;
}
