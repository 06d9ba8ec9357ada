// The figures the report publishes come out right from known inputs.
//   node --import tsx --test bench/test/metrics.test.ts
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../../src/simulator/index';
import { computeRunMetrics, type SimRequest } from '../lib/metrics';
import { modelTimeline } from '../lib/phases';
import { percentile } from '../lib/percentile';
import type { RequestRecord, RunResult } from '../lib/protocol';
import { attemptsOverTimeSvg, latencyCdfSvg } from '../lib/svg';

const OPUS = 'claude-opus-5-5';
const SONNET = 'claude-sonnet-5-5';

function record(index: number, ok: boolean, model: string | null, latencyMs: number): RequestRecord {
  return { index, sentAt: 0, latencyMs, ok, model, attempts: null, error: ok ? null : '529', prompt: `p${index}`, text: null, deadlineHit: false };
}

describe('benchmark metrics', () => {
  it('nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(sorted, 50), 50);
    assert.equal(percentile(sorted, 95), 95);
    assert.equal(percentile(sorted, 99), 99);
    assert.equal(percentile([], 50), null);
  });

  it('reads the primary-outage timeline: failing for 20 s, then recovered', () => {
    const timeline = modelTimeline(loadScenario('primary-outage'), OPUS, 28_000);
    assert.equal(timeline.failingMs, 20_000);
    assert.equal(timeline.recoveryAtMs, 20_000);
    assert.equal(modelTimeline(loadScenario('primary-outage'), SONNET, 28_000).failingMs, 0);
    assert.equal(modelTimeline(loadScenario('healthy'), OPUS, 10_000).failingMs, 0);
  });

  it('counts load on the failing primary, recovery time, fallback share and attempts', () => {
    const t0 = 1_000_000;
    const sim: SimRequest[] = [
      { time: t0 + 100, model: OPUS, outcome: '529', status: 529, path: '/v1/messages' },
      { time: t0 + 150, model: SONNET, outcome: 'ok', status: 200, path: '/v1/messages' },
      { time: t0 + 19_000, model: OPUS, outcome: '529', status: 529, path: '/v1/messages' },
      { time: t0 + 19_100, model: SONNET, outcome: 'ok', status: 200, path: '/v1/messages' },
      { time: t0 + 20_500, model: OPUS, outcome: 'ok', status: 200, path: '/v1/messages' },
      { time: t0 + 20_600, model: OPUS, outcome: 'ok', status: 200, path: '/v1/models' },
    ];
    const result: RunResult = {
      type: 'result',
      records: [record(0, true, SONNET, 100), record(1, true, SONNET, 120), record(2, true, OPUS, 40), record(3, false, null, 900)],
      cpuUserUs: 3000,
      cpuSystemUs: 1000,
      startedAt: t0,
      endedAt: t0 + 28_000,
      worstArrivalLagMs: 1,
    };
    const m = computeRunMetrics({ scenario: loadScenario('primary-outage'), primary: OPUS, result, sim: { startedAt: t0, requests: sim }, gatewayCpuMs: null });
    assert.equal(m.successRate, 0.75);
    assert.equal(m.upstreamRequests, 5, 'GET /v1/models is not a Messages attempt');
    assert.equal(m.upstreamAttemptsPerRequest, 5 / 4);
    assert.equal(m.primaryLoadDuringFailure, 2);
    assert.equal(m.recoveryToPrimarySuccessMs, 500);
    assert.equal(m.fallbackShare, 2 / 3);
    assert.equal(m.clientCpuMsPerRequest, 1);
    assert.deepEqual(m.latenciesMs, [40, 100, 120]);
    assert.equal(m.attemptsPerSecond[0], 2);
    assert.equal(m.primaryAttemptsPerSecond[20], 1);
  });

  it('draws well-formed SVG with one line per client', () => {
    const series = [
      { name: 'a', color: '#000', values: [10, 20, 30] },
      { name: 'b <&>', color: '#f00', values: [15, 25] },
    ];
    for (const svg of [latencyCdfSvg('t', series), attemptsOverTimeSvg('t', series, [{ fromX: 0, toX: 1, label: 'x' }])]) {
      assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
      assert.ok(svg.includes('b &lt;&amp;&gt;'));
      assert.ok(svg.trimEnd().endsWith('</svg>'));
    }
  });
});
