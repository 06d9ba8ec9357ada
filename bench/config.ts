// What the benchmark runs: the same open-loop arrival schedule for every client
// in every scenario. Full and quick profiles differ only in durations.

export const CHAIN = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'] as const;
export const PRIMARY = CHAIN[0];

export const SCENARIOS = [
  'healthy',
  'primary-outage',
  'brownout',
  'rate-limit-storm',
  'flaky-network',
  'mid-stream-failures',
  'slow-prefill',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const CLIENTS = ['sdk-default', 'sdk-retry5', 'naive-loop', 'portkey', 'ours'] as const;
export type ClientName = (typeof CLIENTS)[number];

export interface Profile {
  readonly name: 'full' | 'quick';
  /** Open-loop arrivals per second, identical for every client and scenario. */
  readonly ratePerSecond: number;
  /** How long arrivals go on, per scenario (a scenario with phases needs to cover them). */
  readonly windowMs: Readonly<Record<ScenarioName, number>>;
  /** The harness aborts any request still running this long after it started (same for all). */
  readonly requestDeadlineMs: number;
  readonly maxTokens: number;
  /** Arrival rates that differ from `ratePerSecond` (a scenario whose answers take seconds to start). */
  readonly rateOverride?: Readonly<Partial<Record<ScenarioName, number>>>;
  /** Prompts padded by (index mod 10) × this many words, so prompt sizes (and prefill times) vary. */
  readonly promptPaddingWords?: Readonly<Partial<Record<ScenarioName, number>>>;
}

/** slow-prefill: first tokens after 3–12 s, so fewer arrivals (a user does not fire 5 such questions a
 *  second) and prompts from a dozen words to ~6,300 words, to show the hedge learns prompt size. */
const SLOW_PREFILL_RATE = 0.5;
const SLOW_PREFILL_PADDING = 700;

export const FULL: Profile = {
  name: 'full',
  ratePerSecond: 5,
  windowMs: {
    healthy: 30_000,
    // 20 s outage, then 20 s recovered: covers the failure and the recovery.
    'primary-outage': 40_000,
    brownout: 30_000,
    'rate-limit-storm': 30_000,
    'flaky-network': 30_000,
    'mid-stream-failures': 30_000,
    'slow-prefill': 60_000,
  },
  rateOverride: { 'slow-prefill': SLOW_PREFILL_RATE },
  promptPaddingWords: { 'slow-prefill': SLOW_PREFILL_PADDING },
  // Longer than the slowest legitimate path of any client (Portkey's 5 retries
  // back off 1+2+4+8+16 = 31 s before falling back), so the deadline only cuts
  // requests that would otherwise hang (a stalled stream) or wait out rate limits.
  requestDeadlineMs: 35_000,
  maxTokens: 256,
};

export const QUICK: Profile = {
  name: 'quick',
  ratePerSecond: 5,
  windowMs: {
    healthy: 3_000,
    'primary-outage': 3_000,
    brownout: 3_000,
    'rate-limit-storm': 3_000,
    'flaky-network': 3_000,
    'mid-stream-failures': 3_000,
    'slow-prefill': 6_000,
  },
  rateOverride: { 'slow-prefill': SLOW_PREFILL_RATE },
  promptPaddingWords: { 'slow-prefill': SLOW_PREFILL_PADDING },
  requestDeadlineMs: 3_000,
  maxTokens: 256,
};

/** The key every client sends; the simulator accepts any key when started without one. */
export const BENCH_API_KEY = 'sk-ant-bench-not-a-secret';
