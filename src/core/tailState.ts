// The shared, long-lived tail-latency state of every route: how fast it starts
// answering (first-token tracker) and how soon a response's body follows its
// headers (first-byte tracker), its hedge budget, and how many hedges and
// stalls it has seen. One instance per manager, beside RouteState.
import type { TailConfig } from './contract';
import { DEFAULT_TAIL } from './defaults';
import { FirstTokenTracker } from './policies/firstTokenTracker';
import { hedgeWindow, SlidingWindowBudget } from './policies/slidingWindowBudget';
import type { HedgeRefusal } from './policies/hedgeGate';

export interface TailCounts {
  /** Hedges started (a second attempt beside a late first token). */
  readonly hedges: number;
  /** Hedges the second attempt won (the first was aborted). */
  readonly hedgesWon: number;
  /** Responses cut by the stall watchdog: a body that never started after its headers, or a stream gone silent. */
  readonly stalls: number;
  /** Late first tokens that were not hedged, by reason. */
  readonly refused: Readonly<Partial<Record<HedgeRefusal, number>>>;
}

/** Until a route's bodies were seen to start, one that has not is cut after twice the hedge
 *  threshold, never sooner than this. */
export const COLD_FIRST_BYTE_MIN_MS = 500;

/** Silence allowed between a response's headers and the first byte of its body. On a route whose
 *  bodies are known to start with their headers (the learned high quantile × the hedge factor is
 *  within the floor: the API sends message_start at once), the floor; on a route not learned yet,
 *  or one whose bodies start later (a gateway that holds the first event back), the cautious rule. */
export function firstByteLimitMs(tracker: FirstTokenTracker | null, config: TailConfig, inputTokens: number, hedgeThresholdMs: number): number {
  const high = tracker?.expectedHighMs(inputTokens) ?? null;
  if (high !== null && config.hedgeFactor * high <= config.firstByteFloorMs) return config.firstByteFloorMs;
  return Math.max(COLD_FIRST_BYTE_MIN_MS, 2 * hedgeThresholdMs);
}

interface MutableCounts {
  hedges: number;
  hedgesWon: number;
  stalls: number;
  refused: Partial<Record<HedgeRefusal, number>>;
}

export class TailState {
  private readonly trackers = new Map<string, FirstTokenTracker>();
  private readonly firstBytes = new Map<string, FirstTokenTracker>();
  private readonly budgets = new Map<string, SlidingWindowBudget>();
  private readonly counts = new Map<string, MutableCounts>();

  constructor(
    private config: TailConfig,
    private readonly now: () => number,
  ) {}

  get settings(): TailConfig {
    return this.config;
  }

  updateConfig(config: TailConfig | undefined): void {
    this.config = config ?? DEFAULT_TAIL;
    for (const budget of this.budgets.values()) budget.updateSettings(hedgeWindow(this.config.hedgeBudget));
  }

  tracker(key: string): FirstTokenTracker {
    let tracker = this.trackers.get(key);
    if (!tracker) {
      tracker = new FirstTokenTracker();
      this.trackers.set(key, tracker);
    }
    return tracker;
  }

  /** Milliseconds from a response's headers to the first byte of its body, by prompt size. */
  firstByteTracker(key: string): FirstTokenTracker {
    let tracker = this.firstBytes.get(key);
    if (!tracker) {
      tracker = new FirstTokenTracker();
      this.firstBytes.set(key, tracker);
    }
    return tracker;
  }

  budget(key: string): SlidingWindowBudget {
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new SlidingWindowBudget(hedgeWindow(this.config.hedgeBudget), this.now);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  private countsOf(key: string): MutableCounts {
    let counts = this.counts.get(key);
    if (!counts) {
      counts = { hedges: 0, hedgesWon: 0, stalls: 0, refused: {} };
      this.counts.set(key, counts);
    }
    return counts;
  }

  countHedge(key: string): void {
    this.countsOf(key).hedges += 1;
  }

  countHedgeWon(key: string): void {
    this.countsOf(key).hedgesWon += 1;
  }

  countStall(key: string): void {
    this.countsOf(key).stalls += 1;
  }

  countRefusal(key: string, reason: HedgeRefusal): void {
    const refused = this.countsOf(key).refused;
    refused[reason] = (refused[reason] ?? 0) + 1;
  }

  /** Counts for one route (zeros when it has seen none). */
  countsFor(key: string): TailCounts {
    const counts = this.counts.get(key);
    return counts ? { ...counts, refused: { ...counts.refused } } : { hedges: 0, hedgesWon: 0, stalls: 0, refused: {} };
  }

  /** Forgets budgets and counts (Reset Circuit Breakers); what was learned of first-token times stays. */
  reset(): void {
    for (const budget of this.budgets.values()) budget.reset();
    this.counts.clear();
  }
}
