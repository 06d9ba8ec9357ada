// `npx tsx bench/fiveWindows/run.ts [--quick]` (after `npm run build`): five windows, each its
// own process, against the simulator — one shared broker versus five independent managers,
// with one window alone as the yardstick — in primary-outage (attempts on the failing model)
// and rate-limit-storm (429s received); and "tier" (a request limit with headers, steady load
// above it): proactive pacing versus reactive pacing on the shared broker (429s, answers).
// Writes bench/results/five-windows[-quick].json and .md (--tier-only: only the tier runs, printed).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startSimulator } from '../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../src/simulator/index';
import type { WindowJob, WindowReport, WindowSignal } from './job';

const ROOT = path.resolve(__dirname, '..', '..');
const API_KEY = 'sk-ant-bench-five-windows';
const OPUS = 'claude-opus-5-5';
export const CHAIN = [OPUS, 'claude-sonnet-5-5', 'claude-haiku-5-5'];
const WORKER = path.join(__dirname, 'windowWorker.ts');
/** The longest a window process may take to be ready (start, join the broker, load the SDK). */
const READY_TIMEOUT_MS = 60_000;
/** From the last window ready to the common start moment (the start message's way to every window). */
const START_LEAD_MS = 300;

export interface Setup {
  readonly label: string;
  readonly windows: number;
  readonly mode: 'independent' | 'shared';
  readonly pacing?: { readonly mode: 'proactive' | 'reactive'; readonly share: number };
  readonly priority?: 'interactive' | 'background';
}

export interface RunFigures {
  readonly scenario: string;
  readonly setup: string;
  readonly windows: number;
  readonly sent: number;
  readonly answered: number;
  /** Attempts the simulator answered with 529 on the primary (the failing model). */
  readonly primary529: number;
  /** 429s the simulator sent, every model. */
  readonly received429: number;
  /** Of those, the 429s over a model's request-rate limit: what the clients' pacing caused. */
  readonly limit429: number;
  /** The scenario's stray 429s (a share of the requests admitted, whatever the client does). */
  readonly stray429: number;
  readonly simulatorTotal: number;
  readonly elapsedMs: number;
  /** Answers per minute of the run. */
  readonly answersPerMinute: number;
}

/** A window process: `ready` settles once its manager is up, `report` when it has finished. */
interface WindowProcess {
  readonly ready: Promise<void>;
  readonly report: Promise<WindowReport>;
  start(startAt: number): void;
  kill(): void;
}

function runWindow(job: WindowJob): WindowProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    cwd: ROOT,
    env: { ...process.env, RC_WINDOW_JOB: JSON.stringify(job), RESILIENT_CLAUDE_BROKER_IDLE_MS: '5000' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS + job.durationMs + job.deadlineMs + 30_000);
  const report = new Promise<WindowReport>((resolve, reject) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as WindowReport);
      else reject(new Error(`window ${job.index} failed (exit ${code}): ${err.slice(-2000)}`));
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: WindowSignal) => {
      if (message.type === 'ready') resolve();
    });
    report.then(() => reject(new Error(`window ${job.index} ended before it was ready`)), reject);
  });
  return {
    ready,
    report,
    start: (startAt) => {
      const signal: WindowSignal = { type: 'start', startAt };
      child.send(signal);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

function count(sim: RunningSimulator, predicate: (r: { model: string; outcome: string; overLimit?: boolean }) => boolean): number {
  return sim.stats().requests.filter((r) => r.path.startsWith('/v1/messages') && predicate(r)).length;
}

async function stopBroker(runtimeDir: string): Promise<void> {
  let pid: number | null = null;
  try {
    pid = Number(readFileSync(path.join(runtimeDir, 'broker-v1.pid'), 'utf8').trim());
  } catch {
    return;
  }
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone.
  }
}

export interface RunOptions {
  readonly scenario: string | Scenario;
  readonly scenarioName: string;
  readonly models: readonly string[];
  readonly ratePerWindow: number;
  readonly durationMs: number;
  readonly deadlineMs: number;
}

export async function runSetup(setup: Setup, options: RunOptions): Promise<RunFigures> {
  const sim = await startSimulator({ scenario: options.scenario, apiKey: API_KEY });
  const runtimeDir = mkdtempSync(path.join(tmpdir(), 'rc-bench-broker-'));
  try {
    const jobs: WindowJob[] = Array.from({ length: setup.windows }, (_, index) => ({
      index,
      windows: setup.windows,
      mode: setup.mode,
      baseURL: sim.url,
      apiKey: API_KEY,
      runtimeDir,
      models: options.models,
      ratePerSecond: options.ratePerWindow,
      durationMs: options.durationMs,
      deadlineMs: options.deadlineMs,
      ...(setup.pacing ? { pacing: setup.pacing } : {}),
      ...(setup.priority ? { priority: setup.priority } : {}),
    }));
    // Windows start one by one (the shared ones each joining the broker); the traffic and the
    // scenario's clock (phases) start together once every window is ready.
    const windows = jobs.map(runWindow);
    try {
      await Promise.all(windows.map((w) => w.ready));
    } catch (error) {
      for (const w of windows) w.kill();
      await Promise.allSettled(windows.map((w) => w.report));
      throw error;
    }
    const startAt = Date.now() + START_LEAD_MS;
    for (const w of windows) w.start(startAt);
    setTimeout(() => sim.reset(), Math.max(0, startAt - Date.now()));
    const reports = await Promise.all(windows.map((w) => w.report));
    const elapsedMs = Math.max(...reports.map((r) => r.elapsedMs));
    const answered = reports.reduce((s, r) => s + r.answered, 0);
    return {
      scenario: options.scenarioName,
      setup: setup.label,
      windows: setup.windows,
      sent: reports.reduce((s, r) => s + r.sent, 0),
      answered,
      primary529: count(sim, (r) => r.model === OPUS && r.outcome === '529'),
      received429: count(sim, (r) => r.outcome === '429'),
      limit429: count(sim, (r) => r.outcome === '429' && r.overLimit === true),
      stray429: count(sim, (r) => r.outcome === '429' && r.overLimit !== true),
      simulatorTotal: count(sim, () => true),
      elapsedMs,
      answersPerMinute: (answered * 60_000) / elapsedMs,
    };
  } finally {
    await stopBroker(runtimeDir);
    rmSync(runtimeDir, { recursive: true, force: true });
    await sim.close();
  }
}

export const WINDOW_SETUPS: readonly Setup[] = [
  { label: 'one window', windows: 1, mode: 'independent' },
  { label: 'five independent', windows: 5, mode: 'independent' },
  { label: 'five shared (broker)', windows: 5, mode: 'shared' },
];

export const TIER_SETUPS: readonly Setup[] = [
  { label: 'reactive pacing', windows: 5, mode: 'shared', pacing: { mode: 'reactive', share: 0.8 } },
  { label: 'proactive pacing', windows: 5, mode: 'shared', pacing: { mode: 'proactive', share: 0.8 } },
  { label: 'proactive, background work (80% share)', windows: 5, mode: 'shared', pacing: { mode: 'proactive', share: 0.8 }, priority: 'background' },
];

/** A tier: every model allows `limit` requests a minute (sliding window, headers on every answer). */
export function tierScenario(limit: number): Scenario {
  return {
    name: 'tier',
    description: `A tier of ${limit} requests a minute per model; steady load above it.`,
    seed: 5,
    defaults: { latencyMs: 20, ttftMs: 10, tokensPerSecond: 2000, outputTokens: 12, rateLimit: { requestsPerMinute: limit } },
  };
}

function table(rows: readonly RunFigures[]): string {
  const lines = [
    '| scenario | setup | sent | answered | answers/min | 529s on the primary | 429s over the limit | stray 429s | attempts (simulator) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.scenario} | ${r.setup} | ${r.sent} | ${r.answered} | ${r.answersPerMinute.toFixed(1)} | ${r.primary529} | ${r.limit429} | ${r.stray429} | ${r.simulatorTotal} |`);
  }
  return lines.join('\n');
}

const METHOD = [
  'Five window processes at 1 request/s each (one window alone: 1 request/s), 20 s of arrivals, started together',
  '(and the scenario clock with them) once every window is ready — its manager up, the broker joined, the SDK loaded —',
  'in the shipped primary-outage and rate-limit-storm scenarios; shared = every window a client of one broker, independent = a',
  "manager per window. 429s as the simulator counts them: over a model's request limit (what the clients' pacing",
  'caused; herding shows here) apart from the stray ones the storm scenario gives 5% of the requests it admits',
  '(noise no client avoids, scaling with the requests sent). Tier: one model limited to 40 requests/min (sliding',
  'window, `anthropic-ratelimit-requests-*` headers on every answer), five windows offering 60/min for 75 s through',
  'one broker, reactive pacing (hold only when remaining reaches 0, honour retry-after) against proactive pacing',
  '(tierPacer.ts: requests in flight counted against what the headers said was left, a spent model waited for until',
  'its reset), interactive and background priority. "answers/min" divides by the wall time until the last request',
  'settled (a request waits for the tier up to the 20 s retry-after cap at a time, within its 60 s deadline).',
].join('\n');

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rows: RunFigures[] = [];
  const windowRun = { ratePerWindow: 1, durationMs: quick ? 6_000 : 20_000, deadlineMs: 30_000, models: CHAIN };
  const tierOnly = process.argv.includes('--tier-only');
  for (const scenario of tierOnly ? [] : ['primary-outage', 'rate-limit-storm']) {
    for (const setup of WINDOW_SETUPS) {
      const figures = await runSetup(setup, { ...windowRun, scenario, scenarioName: scenario });
      process.stdout.write(`${JSON.stringify(figures)}\n`);
      rows.push(figures);
    }
  }
  // Tier: 40 requests a minute on the only model; five windows offer 60 a minute for 75 s.
  const tierLimit = 40;
  for (const setup of TIER_SETUPS) {
    const figures = await runSetup(setup, {
      scenario: tierScenario(tierLimit),
      scenarioName: `tier (${tierLimit}/min)`,
      models: [OPUS],
      ratePerWindow: (tierLimit * 1.5) / 60 / 5,
      durationMs: quick ? 20_000 : 75_000,
      deadlineMs: 60_000,
    });
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    rows.push(figures);
  }
  if (tierOnly) {
    process.stdout.write(`\n${table(rows)}\n`);
    return;
  }
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const name = quick ? 'five-windows-quick' : 'five-windows';
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2)}\n`);
  writeFileSync(path.join(dir, `${name}.md`), `# Five windows (${new Date().toISOString().slice(0, 10)}${quick ? ', quick' : ''})\n\n${table(rows)}\n\n${METHOD}\n`);
  process.stdout.write(`\n${table(rows)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
