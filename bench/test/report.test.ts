// The published report has a table per scenario, the goals, and plots that exist.
//   node --import tsx --test bench/test/report.test.ts
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RunMetrics } from '../lib/metrics';
import { writeReport } from '../lib/report';
import type { BenchResults } from '../lib/results';

function metrics(overrides: Partial<RunMetrics>): RunMetrics {
  return {
    requests: 10,
    succeeded: 10,
    successRate: 1,
    p50Ms: 40,
    p95Ms: 60,
    p99Ms: 70,
    upstreamAttemptsPerRequest: 1,
    upstreamRequests: 10,
    primaryLoadDuringFailure: null,
    primaryFailingMs: 0,
    recoveryAtMs: null,
    recoveryToPrimarySuccessMs: null,
    fallbackShare: 0,
    served: { 'claude-opus-5-5': 10 },
    upstreamOutcomes: { 'primary:ok': 10 },
    upstream429: 0,
    failures: {},
    deadlineHits: 0,
    clientCpuMsPerRequest: 2,
    gatewayCpuMsPerRequest: null,
    worstArrivalLagMs: 1,
    durationMs: 2000,
    latenciesMs: [30, 40, 60, 70],
    attemptsPerSecond: [5, 5],
    primaryAttemptsPerSecond: [5, 5],
    ...overrides,
  };
}

const RESULTS: BenchResults = {
  generatedAt: '2026-11-22T06:00:00.000Z',
  source: { commit: '0123456789abcdef', srcDirty: false },
  profile: 'full',
  command: 'npm run bench',
  machine: { cpus: 2, node: 'v20', platform: 'linux-x64', loadAverage: { start: 1, end: 1 } },
  versions: {},
  mode: 'side-by-side',
  ratePerSecond: 5,
  requestDeadlineMs: 35_000,
  chain: ['claude-opus-5-5', 'claude-sonnet-5-5'],
  clients: { 'sdk-default': { status: 'run' }, portkey: { status: 'not-run', reason: 'gateway did not start' } },
  scenarios: [
    {
      name: 'healthy',
      description: 'All fine.',
      windowMs: 2000,
      primaryTimeline: [{ fromMs: 0, toMs: 2000, failing: false }],
      runs: { 'sdk-default': { status: 'run', metrics: metrics({}) }, portkey: { status: 'not-run', reason: 'gateway did not start' } },
    },
    {
      name: 'primary-outage',
      description: 'Opus down.',
      windowMs: 2000,
      primaryTimeline: [
        { fromMs: 0, toMs: 1000, failing: true },
        { fromMs: 1000, toMs: 2000, failing: false },
      ],
      runs: { 'sdk-default': { status: 'run', metrics: metrics({ succeeded: 5, successRate: 0.5, failures: { '529:overloaded_error': 5 } }) } },
    },
  ],
  goals: [{ goal: 'healthy: p50 ≤ 1.02 × sdk-default p50', met: null, figure: 'not measured' }],
  extension: { bundles: [{ file: 'extension.js', bytes: 1000, gzipBytes: 400 }], activation: null, problem: null },
  render: { status: 'not-run', reason: 'no browser' },
  durationS: 10,
};

describe('benchmark report', () => {
  it('writes a table per scenario, the goals, not-run reasons and plots that exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rc-bench-report-'));
    try {
      const markdown = join(dir, 'docs', 'BENCHMARKS.md');
      writeReport(RESULTS, markdown, join(dir, 'plots'));
      const text = readFileSync(markdown, 'utf8');
      assert.match(text, /## healthy\n/);
      assert.match(text, /## primary-outage\n/);
      assert.match(text, /\| sdk-default \| 50\.0% \(5\/10\) \|/);
      assert.match(text, /529:overloaded_error ×5/);
      assert.match(text, /portkey not run:\*\* gateway did not start/);
      assert.match(text, /\| healthy: p50 ≤ 1\.02 × sdk-default p50 \| not measured \|/);
      assert.match(text, /The primary fails during 0–1 s and is healthy otherwise\./);
      const images = [...text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1] ?? '');
      assert.equal(images.length, 6, 'three plots per scenario');
      for (const image of images) assert.ok(existsSync(resolve(dirname(markdown), image)), `${image} exists`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
