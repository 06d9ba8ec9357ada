// Turns one client × scenario run (client records + the simulator's stats) into figures.
import type { Scenario } from '../../src/simulator/scenario-types';
import { isInFailingSegment, modelTimeline } from './phases';
import { percentile } from './percentile';
import type { RunResult } from './protocol';

/** The slice of the simulator's stats the benchmark reads. */
export interface SimRequest {
  readonly time: number;
  readonly model: string;
  readonly outcome: string;
  readonly status: number;
  readonly path: string;
  /** A 429 over the model's request limit (not a stray one). */
  readonly overLimit?: boolean;
}

export interface SimStatsView {
  readonly startedAt: number;
  readonly requests: readonly SimRequest[];
}

export interface RunMetrics {
  readonly requests: number;
  readonly succeeded: number;
  readonly successRate: number;
  /** Latency of successful requests, ms (nearest rank). */
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  /** Messages requests the simulator received, per client request. */
  readonly upstreamAttemptsPerRequest: number;
  /** Hedges per request (null when the client does not report them). */
  readonly hedgeRate?: number | null;
  readonly upstreamRequests: number;
  /** Requests the primary model received while it was failing (null when it never fails). */
  readonly primaryLoadDuringFailure: number | null;
  readonly primaryFailingMs: number;
  /** Recovery offset in the scenario and the delay until the primary's next success. */
  readonly recoveryAtMs: number | null;
  readonly recoveryToPrimarySuccessMs: number | null;
  /** Of successful requests, the share answered by a model other than the primary. */
  readonly fallbackShare: number | null;
  readonly served: Readonly<Record<string, number>>;
  readonly upstreamOutcomes: Readonly<Record<string, number>>;
  readonly upstream429: number;
  /** Of those, the 429s over a model's request limit (the rest are the scenario's stray 429s). */
  readonly upstreamLimit429?: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly deadlineHits: number;
  readonly clientCpuMsPerRequest: number;
  readonly gatewayCpuMsPerRequest: number | null;
  readonly worstArrivalLagMs: number;
  readonly durationMs: number;
  /** Sorted successful latencies, for the CDF plot. */
  readonly latenciesMs: readonly number[];
  /** Upstream messages requests per second since the scenario started (all models / primary). */
  readonly attemptsPerSecond: readonly number[];
  readonly primaryAttemptsPerSecond: readonly number[];
}

export interface RunInput {
  readonly scenario: Scenario;
  readonly primary: string;
  readonly result: RunResult;
  readonly sim: SimStatsView;
  readonly gatewayCpuMs: number | null;
}

function isMessagesCall(path: string): boolean {
  return (path.startsWith('/v1/messages') && !path.includes('count_tokens')) || /:(stream)?rawPredict$/.test(path);
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function computeRunMetrics(input: RunInput): RunMetrics {
  const { result, sim, primary } = input;
  const records = result.records;
  const requests = records.length;
  const succeededRecords = records.filter((r) => r.ok);
  const latenciesMs = succeededRecords.map((r) => r.latencyMs).sort((a, b) => a - b);
  const upstream = sim.requests.filter((r) => isMessagesCall(r.path));
  const horizonMs = Math.max(1, result.endedAt - sim.startedAt);
  const timeline = modelTimeline(input.scenario, primary, horizonMs);

  const served: Record<string, number> = {};
  for (const r of succeededRecords) increment(served, r.model ?? 'unknown');
  const failures: Record<string, number> = {};
  for (const r of records) if (!r.ok) increment(failures, r.error ?? 'unknown');
  const upstreamOutcomes: Record<string, number> = {};
  for (const r of upstream) increment(upstreamOutcomes, `${r.model === primary ? 'primary' : 'fallback'}:${r.outcome}`);

  const primaryLoadDuringFailure =
    timeline.failingMs > 0
      ? upstream.filter((r) => r.model === primary && isInFailingSegment(timeline, r.time - sim.startedAt)).length
      : null;
  let recoveryToPrimarySuccessMs: number | null = null;
  if (timeline.recoveryAtMs !== null) {
    const recoveredAt = sim.startedAt + timeline.recoveryAtMs;
    const first = upstream.find((r) => r.model === primary && r.outcome === 'ok' && r.time >= recoveredAt);
    recoveryToPrimarySuccessMs = first === undefined ? null : first.time - recoveredAt;
  }
  const seconds = Math.ceil(horizonMs / 1000);
  const attemptsPerSecond = new Array<number>(seconds).fill(0);
  const primaryAttemptsPerSecond = new Array<number>(seconds).fill(0);
  for (const r of upstream) {
    const bucket = Math.min(seconds - 1, Math.max(0, Math.floor((r.time - sim.startedAt) / 1000)));
    attemptsPerSecond[bucket] = (attemptsPerSecond[bucket] ?? 0) + 1;
    if (r.model === primary) primaryAttemptsPerSecond[bucket] = (primaryAttemptsPerSecond[bucket] ?? 0) + 1;
  }
  const cpuMs = (result.cpuUserUs + result.cpuSystemUs) / 1000;
  return {
    requests,
    succeeded: succeededRecords.length,
    successRate: requests === 0 ? 0 : succeededRecords.length / requests,
    p50Ms: percentile(latenciesMs, 50),
    p95Ms: percentile(latenciesMs, 95),
    p99Ms: percentile(latenciesMs, 99),
    upstreamAttemptsPerRequest: requests === 0 ? 0 : upstream.length / requests,
    hedgeRate: requests === 0 || records.every((r) => r.hedges === undefined || r.hedges === null) ? null : records.reduce((sum, r) => sum + (r.hedges ?? 0), 0) / requests,
    upstreamRequests: upstream.length,
    primaryLoadDuringFailure,
    primaryFailingMs: timeline.failingMs,
    recoveryAtMs: timeline.recoveryAtMs,
    recoveryToPrimarySuccessMs,
    fallbackShare:
      succeededRecords.length === 0
        ? null
        : succeededRecords.filter((r) => r.model !== null && r.model !== primary).length / succeededRecords.length,
    served,
    upstreamOutcomes,
    upstream429: upstream.filter((r) => r.outcome === '429').length,
    upstreamLimit429: upstream.filter((r) => r.outcome === '429' && r.overLimit === true).length,
    failures,
    deadlineHits: records.filter((r) => r.deadlineHit).length,
    clientCpuMsPerRequest: requests === 0 ? 0 : cpuMs / requests,
    gatewayCpuMsPerRequest: input.gatewayCpuMs === null || requests === 0 ? null : input.gatewayCpuMs / requests,
    worstArrivalLagMs: result.worstArrivalLagMs,
    durationMs: result.endedAt - result.startedAt,
    latenciesMs,
    attemptsPerSecond,
    primaryAttemptsPerSecond,
  };
}
