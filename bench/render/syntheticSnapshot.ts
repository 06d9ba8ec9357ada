// A synthetic diagnostics snapshot: 7 days of history for 6 models and 500 failure rows, with
// a brownout on two models, for the render benchmark and panel previews.
import { DISPLAY_BUCKET_MS, WINDOW_MS } from '../../src/webview/protocol';
import type { BucketCounts, FailureRow, HistoryWindow, ModelHistory, PanelSnapshot } from '../../src/webview/protocol';

export const SYNTHETIC_MODELS = [
  'claude-opus-5-5',
  'claude-sonnet-5-5',
  'claude-haiku-5-5',
  'claude-opus-4-5',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
];

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticSnapshot(options: { now?: number; window?: HistoryWindow; failures?: number; seed?: number } = {}): PanelSnapshot {
  const now = options.now ?? Date.now();
  const window = options.window ?? '7d';
  const rand = random(options.seed ?? 42);
  const bucketMs = DISPLAY_BUCKET_MS[window];
  const count = Math.ceil(WINDOW_MS[window] / bucketMs);
  const firstStart = Math.floor(now / bucketMs) * bucketMs - (count - 1) * bucketMs;
  const models: ModelHistory[] = SYNTHETIC_MODELS.map((model, m) => {
    const buckets: BucketCounts[] = [];
    const totals = { attempts: 0, successes: 0, overloaded529: 0, rateLimited429: 0, server5xx: 0, other: 0 };
    for (let i = 0; i < count; i++) {
      const attempts = Math.floor(rand() * 200);
      const storm = m < 2 && i > count * 0.7 && i < count * 0.8;
      const overloaded529 = Math.floor(attempts * (storm ? 0.3 : 0.01) * rand());
      const rateLimited429 = Math.floor(attempts * 0.02 * rand());
      const server5xx = Math.floor(attempts * 0.01 * rand());
      const other = Math.floor(attempts * 0.005 * rand());
      const successes = attempts - overloaded529 - rateLimited429 - server5xx - other;
      const bucket = { start: firstStart + i * bucketMs, attempts, successes, overloaded529, rateLimited429, server5xx, other };
      buckets.push(bucket);
      totals.attempts += attempts;
      totals.successes += successes;
      totals.overloaded529 += overloaded529;
      totals.rateLimited429 += rateLimited429;
      totals.server5xx += server5xx;
      totals.other += other;
    }
    return { model, buckets, totals };
  });
  const classes = [
    ['overloaded', 529, 'overloaded_error', 'Overloaded'],
    ['rate_limited', 429, 'rate_limit_error', 'Rate limited; retry after 3 s'],
    ['transient', 503, 'api_error', 'Service unavailable'],
    ['timeout', null, 'stall', 'Stream went idle for 30 s'],
  ] as const;
  const failures: FailureRow[] = [];
  const failureCount = options.failures ?? 500;
  for (let i = 0; i < failureCount; i++) {
    const [errorClass, status, errorType, message] = classes[i % classes.length] ?? classes[0];
    const model = SYNTHETIC_MODELS[i % 3] ?? 'claude-opus-5-5';
    failures.push({
      time: now - i * 37_000,
      model,
      provider: 'anthropic',
      status,
      errorClass,
      errorType,
      requestId: status === null ? null : `req_sim_${(1_000_000 + i).toString(36)}${Math.floor(rand() * 1e9).toString(36)}`,
      clientRequestId: `rc_${(5000 + Math.floor(i / 2)).toString(36)}`,
      client: i % 2 === 0 ? 'Claude Code 2.1.3' : 'VS Code',
      message,
    });
  }
  return {
    now,
    window,
    windowStart: firstStart,
    bucketMs,
    models,
    failures,
    failureCount,
    breakers: SYNTHETIC_MODELS.slice(0, 3).map((model, i) => ({
      provider: 'anthropic' as const,
      model,
      state: i === 0 ? ('open' as const) : i === 1 ? ('half_open' as const) : ('closed' as const),
      since: now - (i + 1) * 95_000,
      nextProbeAt: i === 0 ? now + 27_000 : null,
      consecutiveFailures: i === 0 ? 5 : 0,
      recentFailureRate: [0.31, 0.08, 0][i] ?? 0,
      recentAttempts: 120,
    })),
    alert: {
      threshold: 0.05,
      windowMs: 300_000,
      firing: [{ model: 'claude-opus-5-5', rate: 0.31, attempts: 120 }],
    },
    anthropicStatus: {
      indicator: 'major',
      description: 'Partial System Outage',
      incidents: [
        { name: 'Elevated errors on Claude Opus', status: 'investigating', impact: 'major', url: 'https://status.claude.com/incidents/x', updatedAt: new Date(now).toISOString() },
      ],
      fetchedAt: now - 12_000,
      error: null,
    },
    primaryModel: 'claude-opus-5-5',
  };
}
