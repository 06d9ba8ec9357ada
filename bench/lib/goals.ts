// The project's stated goals, judged from measured figures only.
import type { ClientName, ScenarioName } from '../config';
import type { PassthroughFigures } from '../passthrough/passthroughFigures';
import type { RunMetrics } from './metrics';
import type { Goal, ScenarioResult } from './results';

function metricsOf(scenarios: readonly ScenarioResult[], scenario: ScenarioName, client: ClientName): RunMetrics | null {
  const run = scenarios.find((s) => s.name === scenario)?.runs[client];
  return run?.status === 'run' ? run.metrics : null;
}

const ms = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function judge(goal: string, inputs: readonly (RunMetrics | null)[], test: () => { met: boolean | null; figure: string }): Goal {
  if (inputs.some((m) => m === null)) return { goal, met: null, figure: 'not measured (a client or scenario did not run)' };
  return { goal, ...test() };
}

/** Client CPU per request the manager may add to the bare SDK's on the healthy path. */
export const CPU_OVERHEAD_GOAL_MS = 0.5;

/** The healthy path's CPU goal, from the interleaved rounds of passthroughBench.ts. */
function cpuGoal(passthrough: PassthroughFigures | null): Goal {
  const goal = `healthy path: client CPU per request ≤ bare SDK + ${CPU_OVERHEAD_GOAL_MS} ms (median of interleaved rounds)`;
  const cpu = passthrough?.cpu;
  if (cpu === undefined) return { goal, met: null, figure: 'not measured (the healthy-path bench did not run)' };
  const d = cpu.diffMs;
  return {
    goal,
    met: d.median <= CPU_OVERHEAD_GOAL_MS,
    figure: `${d.median >= 0 ? '+' : ''}${d.median.toFixed(2)} ms over ${cpu.rounds.length} rounds (lowest ${d.min.toFixed(2)}, highest ${d.max.toFixed(2)}); ${cpu.oursMs.median.toFixed(2)} vs ${cpu.sdkMs.median.toFixed(2)} ms`,
  };
}

export function judgeGoals(scenarios: readonly ScenarioResult[], passthrough: PassthroughFigures | null = null): Goal[] {
  const oursHealthy = metricsOf(scenarios, 'healthy', 'ours');
  const sdkHealthy = metricsOf(scenarios, 'healthy', 'sdk-default');
  const oursOutage = metricsOf(scenarios, 'primary-outage', 'ours');
  const naiveOutage = metricsOf(scenarios, 'primary-outage', 'naive-loop');
  const oursStorm = metricsOf(scenarios, 'rate-limit-storm', 'ours');
  const retryStorm = metricsOf(scenarios, 'rate-limit-storm', 'sdk-retry5');
  const oursFlaky = metricsOf(scenarios, 'flaky-network', 'ours');
  const oursPrefill = metricsOf(scenarios, 'slow-prefill', 'ours');
  return [
    judge('healthy: p50 ≤ 1.02 × sdk-default p50', [oursHealthy, sdkHealthy], () => {
      const ours = oursHealthy?.p50Ms ?? null;
      const base = sdkHealthy?.p50Ms ?? null;
      if (ours === null || base === null) return { met: false, figure: 'no successful requests' };
      return { met: ours <= 1.02 * base, figure: `${ms(ours)} vs ${ms(base)} (${(ours / base).toFixed(3)}×)` };
    }),
    judge('primary-outage: 100% success while a fallback is healthy', [oursOutage], () => {
      const m = oursOutage as RunMetrics;
      return { met: m.succeeded === m.requests, figure: `${m.succeeded}/${m.requests} (${pct(m.successRate)})` };
    }),
    judge('primary-outage: ≤ 1.2 attempts per request', [oursOutage], () => {
      const m = oursOutage as RunMetrics;
      return { met: m.upstreamAttemptsPerRequest <= 1.2, figure: `${m.upstreamAttemptsPerRequest.toFixed(2)} attempts/request` };
    }),
    judge("primary-outage: load on the failing model ≤ 5% of naive-loop's", [oursOutage, naiveOutage], () => {
      const ours = oursOutage?.primaryLoadDuringFailure ?? 0;
      const naive = naiveOutage?.primaryLoadDuringFailure ?? 0;
      if (naive === 0) return { met: null, figure: `naive-loop sent nothing to the failing model (ours: ${ours})` };
      return { met: ours <= 0.05 * naive, figure: `${ours} vs ${naive} requests (${pct(ours / naive)})` };
    }),
    judge('primary-outage: p95 ≤ 1.3 × healthy p95', [oursOutage, oursHealthy], () => {
      const outage = oursOutage?.p95Ms ?? null;
      const healthy = oursHealthy?.p95Ms ?? null;
      if (outage === null || healthy === null) return { met: false, figure: 'no successful requests' };
      return { met: outage <= 1.3 * healthy, figure: `${ms(outage)} vs healthy ${ms(healthy)} (${(outage / healthy).toFixed(2)}×)` };
    }),
    judge('healthy: ≤ 1.02 upstream attempts per request (hedges included)', [oursHealthy], () => {
      const m = oursHealthy as RunMetrics;
      return { met: m.upstreamAttemptsPerRequest <= 1.02, figure: `${m.upstreamAttemptsPerRequest.toFixed(3)} attempts/request` };
    }),
    judge('flaky-network: ≥ 99.3% success', [oursFlaky], () => {
      const m = oursFlaky as RunMetrics;
      return { met: m.successRate >= 0.993, figure: `${m.succeeded}/${m.requests} (${pct(m.successRate)})` };
    }),
    judge('flaky-network: p95 ≤ 2 × healthy p95', [oursFlaky, oursHealthy], () => {
      const flaky = oursFlaky?.p95Ms ?? null;
      const healthy = oursHealthy?.p95Ms ?? null;
      if (flaky === null || healthy === null) return { met: false, figure: 'no successful requests' };
      return { met: flaky <= 2 * healthy, figure: `${ms(flaky)} vs healthy ${ms(healthy)} (${(flaky / healthy).toFixed(2)}×)` };
    }),
    judge('flaky-network: ≤ 1.31 upstream attempts per request', [oursFlaky], () => {
      const m = oursFlaky as RunMetrics;
      return { met: m.upstreamAttemptsPerRequest <= 1.31, figure: `${m.upstreamAttemptsPerRequest.toFixed(2)} attempts/request` };
    }),
    judge('slow-prefill: hedges on < 2% of requests', [oursPrefill], () => {
      const rate = oursPrefill?.hedgeRate ?? null;
      if (rate === null) return { met: null, figure: 'hedges not reported' };
      return { met: rate < 0.02, figure: `${pct(rate)} of ${(oursPrefill as RunMetrics).requests} requests` };
    }),
    judge('rate-limit-storm: ≥ 90% fewer 429s than sdk-retry5', [oursStorm, retryStorm], () => {
      const ours = oursStorm?.upstream429 ?? 0;
      const retry = retryStorm?.upstream429 ?? 0;
      if (retry === 0) return { met: null, figure: `sdk-retry5 received no 429 (ours: ${ours})` };
      return { met: ours <= 0.1 * retry, figure: `${ours} vs ${retry} 429s (${pct(1 - ours / retry)} fewer)` };
    }),
    cpuGoal(passthrough),
  ];
}
