// Reads a scenario's timeline for one model: when it is failing and when it recovers.
import { activePhaseIndex, effectiveBehavior } from '../../src/simulator/behavior';
import type { EffectiveBehavior, Scenario } from '../../src/simulator/scenario-types';

export interface Segment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly failing: boolean;
}

export interface ModelTimeline {
  readonly segments: readonly Segment[];
  /** Total failing time within the horizon, ms. */
  readonly failingMs: number;
  /** Offset of the first failing → healthy transition, or null when it never recovers. */
  readonly recoveryAtMs: number | null;
}

/** True when the behaviour can answer anything but a clean success. */
export function isFailing(b: EffectiveBehavior): boolean {
  const probabilities =
    b.p529 + b.p429 + b.p500 + b.p502 + b.p503 + b.p504 + b.pSpendLimit + b.pHtml502 + b.pReset + b.pStall + b.pMidStreamError;
  return probabilities > 0 || b.unknown || b.rateLimit !== undefined || b.capacity !== undefined || b.sequence !== undefined;
}

export function modelTimeline(scenario: Scenario, model: string, horizonMs: number): ModelTimeline {
  const phases = scenario.phases ?? [];
  const cuts = [0, ...phases.map((p) => p.atMs).filter((t) => t > 0 && t < horizonMs), horizonMs];
  const boundaries = [...new Set(cuts)].sort((a, b) => a - b);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < boundaries.length; i += 1) {
    const fromMs = boundaries[i] ?? 0;
    const toMs = boundaries[i + 1] ?? horizonMs;
    const index = activePhaseIndex(scenario, fromMs);
    const behavior = effectiveBehavior(scenario, index >= 0 ? phases[index] : undefined, model);
    segments.push({ fromMs, toMs, failing: isFailing(behavior) });
  }
  let recoveryAtMs: number | null = null;
  for (let i = 1; i < segments.length && recoveryAtMs === null; i += 1) {
    const previous = segments[i - 1];
    const current = segments[i];
    if (previous?.failing === true && current?.failing === false) recoveryAtMs = current.fromMs;
  }
  const failingMs = segments.filter((s) => s.failing).reduce((sum, s) => sum + (s.toMs - s.fromMs), 0);
  return { segments, failingMs, recoveryAtMs };
}

export function isInFailingSegment(timeline: ModelTimeline, offsetMs: number): boolean {
  return timeline.segments.some((s) => s.failing && offsetMs >= s.fromMs && offsetMs < s.toMs);
}
