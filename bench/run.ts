// `npm run bench [-- --quick] [-- --clients a,b] [-- --scenarios x,y]`
// Runs every client against the same simulator scenarios and writes
// bench/results/<date>.json and docs/BENCHMARKS.md (quick or partial runs: bench/results/quick|partial/).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadScenario, startSimulator, type RunningSimulator, type Scenario } from '../src/simulator/index';
import type { ClientEnv } from './clients/client';
import { loadCreateRequestManager } from './clients/ours';
import { BENCH_API_KEY, CHAIN, CLIENTS, FULL, PRIMARY, QUICK, SCENARIOS, type ClientName, type Profile, type ScenarioName } from './config';
import { measureChatProvider } from './chat/chatProviderBench';
import { chatProviderLine } from './chat/chatProviderFigures';
import { measurePassthrough } from './passthrough/passthroughBench';
import { passthroughLine } from './passthrough/passthroughFigures';
import { ENDPOINT_FULL, ENDPOINT_QUICK, measureEndpoint } from './endpoint/endpointBench';
import { comparisonLine, overheadLine } from './endpoint/endpointFigures';
import { checkAnswers } from './lib/answers';
import { startClientWorker, type ClientWorker } from './lib/client-worker';
import { measureExtension } from './lib/extension-metrics';
import { judgeGoals } from './lib/goals';
import { computeRunMetrics } from './lib/metrics';
import { modelTimeline } from './lib/phases';
import { startPortkeyGateway, type RunningGateway } from './lib/portkey-gateway';
import type { BenchResults, ClientRun, ScenarioResult } from './lib/results';
import { writeReport } from './lib/report';

const ROOT = resolve(__dirname, '..');
const WARMUP_REQUESTS = 3;
const execFileAsync = promisify(execFile);

function listArg(name: string): string[] | null {
  const prefix = `--${name}=`;
  const inline = process.argv.find((a) => a.startsWith(prefix));
  const index = process.argv.indexOf(`--${name}`);
  const raw = inline?.slice(prefix.length) ?? (index > 0 ? process.argv[index + 1] : undefined);
  return raw === undefined ? null : raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function pick<T extends string>(all: readonly T[], wanted: string[] | null, what: string): T[] {
  if (wanted === null) return [...all];
  const unknown = wanted.filter((w) => !all.includes(w as T));
  if (unknown.length > 0) throw new Error(`Unknown ${what}: ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return all.filter((a) => wanted.includes(a));
}

/** The measured code's commit: from git, or BENCH_SOURCE_COMMIT when run from an exported snapshot. */
async function sourceInfo(): Promise<BenchResults['source']> {
  const fromEnv = process.env.BENCH_SOURCE_COMMIT;
  if (fromEnv !== undefined && fromEnv !== '') return { commit: fromEnv, srcDirty: false };
  try {
    const { stdout: commit } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd: ROOT });
    const { stdout: status } = await execFileAsync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT });
    return { commit: commit.trim(), srcDirty: status.trim().length > 0 };
  } catch {
    return { commit: 'unknown', srcDirty: null };
  }
}

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function renderFigures(quick: boolean): Promise<BenchResults['render']> {
  const script = join(ROOT, 'bench/render/renderBench.ts');
  if (!existsSync(script)) return { status: 'not-run', reason: 'bench/render/renderBench.ts is not present.' };
  if (!existsSync(join(ROOT, 'dist/webview.js'))) return { status: 'not-run', reason: 'dist/webview.js is missing (run `npm run build`).' };
  try {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', script, '--runs', quick ? '1' : '5'], {
      cwd: ROOT,
      timeout: 120_000,
    });
    const line = stdout.trim().split('\n').reverse().find((l) => l.trim().startsWith('{'));
    if (line === undefined) return { status: 'not-run', reason: 'the render bench printed no JSON.' };
    const figures: unknown = JSON.parse(line);
    return { status: 'run', figures };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? 'failed') : 'failed';
    return { status: 'not-run', reason: `render bench failed: ${message.slice(0, 200)}` };
  }
}

interface Lane {
  readonly client: ClientName;
  readonly sim: RunningSimulator;
  readonly env: ClientEnv;
  worker: ClientWorker | null;
}

interface LaneOutcome {
  readonly run: ClientRun;
  readonly horizonMs: number;
}

interface Plan {
  readonly scenario: Scenario;
  readonly scenarioName: ScenarioName;
  readonly profile: Profile;
  readonly gateway: RunningGateway | null;
  readonly log: (line: string) => void;
}

function workerOf(lane: Lane): ClientWorker {
  lane.worker ??= startClientWorker();
  return lane.worker;
}

async function retire(lane: Lane): Promise<void> {
  await lane.worker?.stop();
  lane.worker = null;
}

/** A few requests on a throwaway client against a healthy simulator: warm code paths, not warm connections. */
async function warmUp(lane: Lane, plan: Plan): Promise<void> {
  try {
    lane.sim.setScenario('healthy');
    lane.sim.reset();
    await workerOf(lane).warmup({ type: 'warmup', client: lane.client, env: lane.env, requests: WARMUP_REQUESTS }, 60_000);
  } catch (error) {
    plan.log(`${lane.client} warm-up failed: ${error instanceof Error ? error.message : String(error)}`);
    await retire(lane);
  }
}

/** Switches the lane's simulator to the scenario (phase clock from zero) and runs the arrivals. */
async function measure(lane: Lane, plan: Plan): Promise<LaneOutcome> {
  const { profile, scenario, scenarioName, gateway } = plan;
  const windowMs = profile.windowMs[scenarioName];
  lane.sim.setScenario(scenario);
  lane.sim.reset();
  const gatewayCpuBefore = lane.client === 'portkey' && gateway !== null ? gateway.cpuMs() : null;
  try {
    const result = await workerOf(lane).run(
      {
        type: 'run',
        client: lane.client,
        env: lane.env,
        ratePerSecond: profile.rateOverride?.[scenarioName] ?? profile.ratePerSecond,
        windowMs,
        promptPaddingWords: profile.promptPaddingWords?.[scenarioName] ?? 0,
        deadlineMs: profile.requestDeadlineMs,
        promptPrefix: `[${scenarioName}]`,
      },
      windowMs + profile.requestDeadlineMs + 30_000,
    );
    const stats = lane.sim.stats();
    const checked = { ...result, records: checkAnswers(result.records, scenario, profile.maxTokens) };
    const gatewayCpuMs = gatewayCpuBefore !== null && gateway !== null ? gateway.cpuMs() - gatewayCpuBefore : null;
    const metrics = computeRunMetrics({ scenario, primary: PRIMARY, result: checked, sim: stats, gatewayCpuMs });
    plan.log(
      `${scenarioName.padEnd(20)} ${lane.client.padEnd(12)} ok ${metrics.succeeded}/${metrics.requests}  p50 ${metrics.p50Ms?.toFixed(0) ?? '-'} ms  p95 ${metrics.p95Ms?.toFixed(0) ?? '-'} ms  attempts/req ${metrics.upstreamAttemptsPerRequest.toFixed(2)}  took ${(metrics.durationMs / 1000).toFixed(1)} s`,
    );
    return { run: { status: 'run', metrics }, horizonMs: result.endedAt - stats.startedAt };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    plan.log(`${scenarioName} ${lane.client} failed: ${message}`);
    await retire(lane);
    return { run: { status: 'not-run', reason: message }, horizonMs: windowMs };
  }
}

async function main(): Promise<void> {
  const began = Date.now();
  const loadAtStart = loadavg()[0] ?? 0;
  const quick = process.argv.includes('--quick');
  const profile = quick ? QUICK : FULL;
  const clients = pick(CLIENTS, listArg('clients'), 'client');
  const scenarioNames = pick(SCENARIOS, listArg('scenarios'), 'scenario');
  const log = (line: string): void => console.log(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

  const concurrent = !process.argv.includes('--sequential');
  const notRun = new Map<ClientName, string>();
  let gateway: RunningGateway | null = null;
  if (clients.includes('portkey')) {
    try {
      gateway = await startPortkeyGateway();
      log(`portkey gateway ${gateway.version} at ${gateway.url}`);
    } catch (error) {
      notRun.set('portkey', error instanceof Error ? error.message : String(error));
    }
  }
  if (clients.includes('ours') && (await loadCreateRequestManager()) === null) {
    notRun.set('ours', 'src/core/requestManager.ts could not be bundled (see bench/lib/shippedCore.ts).');
  }
  const running = clients.filter((c) => !notRun.has(c));
  // One simulator per client: every client sees the same scenario, seed and phase clock,
  // and its server-side figures are its own even when clients run side by side.
  const lanes = new Map<ClientName, Lane>();
  for (const client of running) {
    const sim = await startSimulator({ scenario: 'healthy' });
    const env: ClientEnv = {
      simUrl: sim.url,
      gatewayUrl: gateway?.url ?? null,
      chain: [...CHAIN],
      maxTokens: profile.maxTokens,
      apiKey: BENCH_API_KEY,
    };
    lanes.set(client, { client, sim, env, worker: null });
  }
  log(`${running.length} simulators, clients ${concurrent ? 'side by side' : 'one after another'}`);

  const scenarios: ScenarioResult[] = [];
  try {
    for (const name of scenarioNames) {
      const scenario = loadScenario(name);
      const windowMs = profile.windowMs[name];
      const runs: Partial<Record<ClientName, ClientRun>> = {};
      for (const client of clients) {
        const reason = notRun.get(client);
        if (reason !== undefined) runs[client] = { status: 'not-run', reason };
      }
      const plan = { scenario, scenarioName: name, profile, gateway, log };
      const laneList = running.map((c) => lanes.get(c)).filter((l): l is Lane => l !== undefined);
      const outcomes = new Map<ClientName, LaneOutcome>();
      if (concurrent) {
        await Promise.all(laneList.map((lane) => warmUp(lane, plan)));
        const staggerMs = 1000 / profile.ratePerSecond / Math.max(1, laneList.length);
        await Promise.all(
          laneList.map(async (lane, index) => {
            await new Promise((r) => setTimeout(r, index * staggerMs));
            outcomes.set(lane.client, await measure(lane, plan));
          }),
        );
      } else {
        for (const lane of laneList) {
          await warmUp(lane, plan);
          outcomes.set(lane.client, await measure(lane, plan));
        }
      }
      let horizonMs = windowMs;
      for (const lane of laneList) {
        const outcome = outcomes.get(lane.client);
        if (outcome === undefined) continue;
        runs[lane.client] = outcome.run;
        horizonMs = Math.max(horizonMs, outcome.horizonMs);
      }
      scenarios.push({
        name,
        description: scenario.description ?? '',
        windowMs,
        primaryTimeline: modelTimeline(scenario, PRIMARY, horizonMs).segments,
        runs,
      });
    }
  } finally {
    await Promise.all([...lanes.values()].map((lane) => lane.worker?.stop()));
    await gateway?.stop();
    await Promise.all([...lanes.values()].map((lane) => lane.sim.close()));
  }

  log('measuring the extension bundle and start-up');
  const extension = await measureExtension(quick ? 3 : 10);
  log('running the diagnostics panel render bench');
  const render = await renderFigures(quick);
  log('measuring the chat provider path against a direct manager call');
  const chatProvider: BenchResults['chatProvider'] = await measureChatProvider(quick ? 60 : 150).then(
    (figures) => ({ status: 'run' as const, figures }),
    (error: unknown) => ({ status: 'not-run' as const, reason: error instanceof Error ? error.message : String(error) }),
  );
  log(chatProvider.status === 'run' ? chatProviderLine(chatProvider.figures) : `chat provider bench not run: ${chatProvider.reason}`);
  log('measuring the healthy path through the manager against the bare SDK');
  const passthrough: BenchResults['passthrough'] = await measurePassthrough(quick ? 60 : 300).then(
    (figures) => ({ status: 'run' as const, figures }),
    (error: unknown) => ({ status: 'not-run' as const, reason: error instanceof Error ? error.message : String(error) }),
  );
  log(passthrough.status === 'run' ? passthroughLine(passthrough.figures) : `healthy-path bench not run: ${passthrough.reason}`);
  log('Claude Code alone vs through the local endpoint, side by side, and the endpoint\'s own cost');
  const endpoint: BenchResults['endpoint'] = await measureEndpoint(quick ? ENDPOINT_QUICK : ENDPOINT_FULL).then(
    (figures) => ({ status: 'run' as const, figures }),
    (error: unknown) => ({ status: 'not-run' as const, reason: error instanceof Error ? error.message : String(error) }),
  );
  if (endpoint.status === 'run') {
    if (endpoint.figures.claudeCodeNotRun !== null) log(`Claude Code not run: ${endpoint.figures.claudeCodeNotRun}`);
    for (const comparison of endpoint.figures.comparisons) log(comparisonLine(comparison));
    log(overheadLine(endpoint.figures.overhead));
    if (endpoint.figures.overheadServed !== null) log(overheadLine(endpoint.figures.overheadServed));
  } else log(`endpoint bench not run: ${endpoint.reason}`);

  const source = await sourceInfo();
  const results: BenchResults = {
    generatedAt: new Date().toISOString(),
    source,
    profile: profile.name,
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: {
      cpus: cpus().length,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    },
    versions: {
      '@anthropic-ai/sdk': packageVersion('@anthropic-ai/sdk'),
      '@portkey-ai/gateway': packageVersion('@portkey-ai/gateway'),
    },
    mode: concurrent ? 'side-by-side' : 'sequential',
    ratePerSecond: profile.ratePerSecond,
    requestDeadlineMs: profile.requestDeadlineMs,
    chain: [...CHAIN],
    clients: Object.fromEntries(
      clients.map((c) => {
        const reason = notRun.get(c);
        return [c, reason === undefined ? { status: 'run' as const } : { status: 'not-run' as const, reason }];
      }),
    ),
    scenarios,
    goals: judgeGoals(scenarios, passthrough.status === 'run' ? passthrough.figures : null),
    extension,
    render,
    chatProvider,
    passthrough,
    endpoint,
    durationS: (Date.now() - began) / 1000,
  };
  const date = results.generatedAt.slice(0, 10);
  const resultsDir = join(ROOT, 'bench/results');
  // Only a complete full run replaces the published report; anything else goes aside.
  const partial = clients.length < CLIENTS.length || scenarioNames.length < SCENARIOS.length;
  const aside = quick ? 'quick' : partial ? 'partial' : null;
  const outDir = aside === null ? resultsDir : join(resultsDir, aside);
  mkdirSync(outDir, { recursive: true });
  if (aside !== null) writeFileSync(join(outDir, '.gitignore'), '*\n');
  const jsonPath = join(outDir, aside === null ? `${date}.json` : `${date}-${aside}.json`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const markdownPath = aside === null ? join(ROOT, 'docs/BENCHMARKS.md') : join(outDir, 'BENCHMARKS.md');
  writeReport(results, markdownPath, join(outDir, 'plots'));
  log(`wrote ${jsonPath} and ${markdownPath}`);
  for (const g of results.goals) log(`goal ${g.met === null ? 'not measured' : g.met ? 'MET' : 'NOT MET'}: ${g.goal} — ${g.figure}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
