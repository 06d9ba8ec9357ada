// Decides the outcome of each request from the scenario: scripted sequences
// first, then capacity, rate limit and the seeded probabilities, in the order
// documented in docs/SCENARIOS.md.
import { activePhaseIndex, effectiveBehavior } from './behavior';
import { limitApplies } from './rate-limit-headers';
import { hashString, mulberry32 } from './rng';
import type { Random } from './rng';
import type { EffectiveBehavior, Outcome, Scenario, ScenarioPhase } from './scenario-types';

/** Where a request on `model` is counted: the model's window, its credential's within it when the
 *  limit is per key, or nowhere (a key the limit does not name). */
function windowKey(model: string, behavior: EffectiveBehavior, credential: string | undefined): string | null {
  const rate = behavior.rateLimit;
  if (rate?.keys === undefined) return model;
  return limitApplies(rate, credential) ? `${model}\n${credential}` : null;
}

export interface Decision {
  outcome: Outcome;
  behavior: EffectiveBehavior;
  /** For 429s: the retry-after the response announces, in seconds. */
  retryAfterS: number;
  /** For 429s from the request-rate limit: the limit that was exceeded. */
  requestsPerMinute: number | undefined;
  /** How many requests this model was asked before this one (picks a recorded stream). */
  ordinal: number;
}

const PROBABILITY_ORDER: ReadonlyArray<[keyof EffectiveBehavior, Outcome]> = [
  ['p529', '529'],
  ['p429', '429'],
  ['p500', '500'],
  ['p502', '502'],
  ['p503', '503'],
  ['p504', '504'],
  ['pSpendLimit', 'spend'],
  ['pHtml502', 'html502'],
  ['pReset', 'reset'],
  ['pStall', 'stall'],
  ['pMidStreamError', 'midstream'],
];

const MINUTE_MS = 60_000;

function scaleTimes(behavior: EffectiveBehavior, scale: number): EffectiveBehavior {
  if (scale === 1) return behavior;
  return {
    ...behavior,
    latencyMs: behavior.latencyMs * scale,
    ttftMs: behavior.ttftMs * scale,
    ttftPerInputTokenMs: behavior.ttftPerInputTokenMs * scale,
    ttftMaxMs: behavior.ttftMaxMs === undefined ? undefined : behavior.ttftMaxMs * scale,
    pingIntervalMs: behavior.pingIntervalMs * scale,
    pauseMs: behavior.pauseMs * scale,
    endAfterStopMs: behavior.endAfterStopMs * scale,
    tokensPerSecond: behavior.tokensPerSecond / scale,
  };
}

export class OutcomeEngine {
  private startedAt = Date.now();
  private randoms = new Map<string, Random>();
  private sequencePositions = new Map<string, Map<readonly Outcome[], number>>();
  private admittedTimes = new Map<string, number[]>();
  private inFlight = new Map<string, number>();
  private asked = new Map<string, number>();

  /**
   * `timeScale` multiplies every duration the scenario gives (latency, time to first token, pings,
   * pauses, phase times) and divides the token pace; retry-after values and the rate-limit
   * minute stay as they are on the wire.
   */
  constructor(
    private scenario: Scenario,
    private readonly timeScale = 1,
  ) {
    if (!(timeScale > 0 && Number.isFinite(timeScale))) throw new RangeError(`timeScale must be a number > 0, got ${timeScale}`);
  }

  get scenarioStartedAt(): number {
    return this.startedAt;
  }

  get currentScenario(): Scenario {
    return this.scenario;
  }

  /** Switches scenario and restarts the phase clock, sequences, rate windows and RNG. */
  setScenario(scenario: Scenario): void {
    this.scenario = scenario;
    this.reset();
  }

  reset(): void {
    this.startedAt = Date.now();
    this.randoms.clear();
    this.sequencePositions.clear();
    this.admittedTimes.clear();
    this.asked.clear();
  }

  activePhase(now = Date.now()): ScenarioPhase | undefined {
    const index = activePhaseIndex(this.scenario, (now - this.startedAt) / this.timeScale);
    return index >= 0 ? this.scenario.phases![index] : undefined;
  }

  behaviorFor(model: string, now = Date.now()): EffectiveBehavior {
    return scaleTimes(effectiveBehavior(this.scenario, this.activePhase(now), model), this.timeScale);
  }

  /** Marks a request on `model` as running (for `capacity`); call the returned function when it ends. */
  enter(model: string): () => void {
    this.inFlight.set(model, (this.inFlight.get(model) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight.set(model, (this.inFlight.get(model) ?? 1) - 1);
    };
  }

  /** Decides the outcome of one request on `model` (sent with `credential`, for limits per key); call after `enter`. */
  decide(model: string, now = Date.now(), credential?: string): Decision {
    const behavior = this.behaviorFor(model, now);
    const ordinal = this.asked.get(model) ?? 0;
    this.asked.set(model, ordinal + 1);
    const decision = (outcome: Outcome, retryAfterS = behavior.retryAfterS, rpm?: number): Decision => ({
      outcome,
      behavior,
      retryAfterS,
      requestsPerMinute: rpm,
      ordinal,
    });

    if (behavior.unknown) return decision('404');

    const scripted = this.nextScripted(model, behavior.sequence);
    if (scripted) return decision(scripted);

    const running = this.inFlight.get(model) ?? 0;
    if (behavior.capacity !== undefined && running > behavior.capacity) return decision('529');

    const counted = windowKey(model, behavior, credential);
    if (behavior.rateLimit && counted !== null) {
      const window = (this.admittedTimes.get(counted) ?? []).filter((t) => t > now - MINUTE_MS);
      this.admittedTimes.set(counted, window);
      const { requestsPerMinute, retryAfterS } = behavior.rateLimit;
      if (window.length >= requestsPerMinute) {
        const untilSlotFrees = Math.max(1, Math.ceil((window[0]! + MINUTE_MS - now) / 1000));
        return decision('429', retryAfterS ?? untilSlotFrees, requestsPerMinute);
      }
      window.push(now);
    }

    const random = this.randomFor(model);
    let drawn: Outcome | undefined;
    for (const [field, outcome] of PROBABILITY_ORDER) {
      const roll = random();
      const p = behavior[field] as number;
      if (drawn === undefined && roll < p) drawn = outcome;
    }
    return decision(drawn ?? 'ok');
  }

  /** The request-rate window for `model` (and `credential`'s, when its limit is per key), for the anthropic-ratelimit-requests-* headers. */
  requestWindow(model: string, now = Date.now(), credential?: string): { count: number; resetAt: number } {
    const counted = windowKey(model, this.behaviorFor(model, now), credential);
    const window = (counted === null ? [] : (this.admittedTimes.get(counted) ?? [])).filter((t) => t > now - MINUTE_MS);
    return { count: window.length, resetAt: (window[0] ?? now) + MINUTE_MS };
  }

  private nextScripted(model: string, sequence: readonly Outcome[] | undefined): Outcome | undefined {
    if (!sequence || sequence.length === 0) return undefined;
    let positions = this.sequencePositions.get(model);
    if (!positions) {
      positions = new Map();
      this.sequencePositions.set(model, positions);
    }
    const position = positions.get(sequence) ?? 0;
    if (position >= sequence.length) return undefined;
    positions.set(sequence, position + 1);
    return sequence[position];
  }

  private randomFor(model: string): Random {
    let random = this.randoms.get(model);
    if (!random) {
      random = mulberry32(((this.scenario.seed ?? 1) ^ hashString(model)) >>> 0);
      this.randoms.set(model, random);
    }
    return random;
  }
}
