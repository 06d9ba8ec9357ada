// The local endpoint measured the way its users meet it:
// - the real Claude Code CLI (`claude -p`, provisioned into a cache outside the clone) straight to
//   the simulator ("alone") and through one endpoint, side by side, on a primary outage (one
//   session) and on a rate-limit storm (five concurrent sessions: five alone vs five sharing one
//   endpoint) — each lane on a simulator of its own, so its upstream counts are its own; a
//   session's time runs from its start (the CLI's own start-up included, as a user waits for it);
// - the endpoint's cost on the healthy scenario: the same streamed requests with the SDK straight
//   to the simulator, on our manager in this process, and with the SDK through the endpoint,
//   interleaved (added p50 and time to first token over the SDK alone — what a user meets — and
//   over the manager alone — what the HTTP door itself adds).
//   node --import tsx bench/endpoint/endpointBench.ts [--quick]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningEndpoint } from '../../src/broker/endpoint/endpointServer';
import type { RequestManager } from '../../src/core/contract';
import { defaultManagerConfig } from '../../src/core/defaults';
import { loadScenario, startSimulator } from '../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../src/simulator/index';
import { BENCH_API_KEY, CHAIN, PRIMARY } from '../config';
import { percentile } from '../lib/percentile';
import { shippedCore } from '../lib/shippedCore';
import { endpointSection } from './endpointFigures';
import { startRelayProgram } from './relayProgram';
import { startServedEndpoint } from './servedEndpoint';
import type { ClaudeCodeComparison, ClaudeCodeLane, EndpointBenchFigures, EndpointOverhead } from './endpointFigures';

const ROOT = resolve(__dirname, '..', '..');
const STORM_SESSIONS = 5;

export interface EndpointBenchProfile {
  /** A session still without an answer this long after it started is stopped and counted as failed. */
  readonly sessionCapMs: number;
  /** Streamed SDK requests each way for the overhead. */
  readonly overheadRequests: number;
}

export const ENDPOINT_FULL: EndpointBenchProfile = { sessionCapMs: 90_000, overheadRequests: 200 };
export const ENDPOINT_QUICK: EndpointBenchProfile = { sessionCapMs: 40_000, overheadRequests: 20 };

/** The shipped primary outage, held for the whole run: a CLI's start-up (seconds on a busy machine)
 *  must not decide whether its first request meets the outage. */
function outageScenario(): Scenario {
  const shipped = loadScenario('primary-outage');
  return {
    ...shipped,
    name: 'endpoint-primary-outage',
    description: `${PRIMARY} answers every request with 529 for the whole run; the fallbacks stay healthy.`,
    phases: [{ atMs: 0, models: { [PRIMARY]: { p529: 1 } } }],
  };
}

/** The shipped storm, tightened for five sessions: Opus admits 3 requests a minute (retry-after 5 s), no stray 429s. */
function stormScenario(): Scenario {
  const shipped = loadScenario('rate-limit-storm');
  return {
    ...shipped,
    name: 'endpoint-rate-limit-storm',
    description: `${STORM_SESSIONS} sessions at once; ${PRIMARY} admits 3 requests a minute (429 with retry-after 5 s past that), the others 60.`,
    defaults: { ...shipped.defaults, p429: 0 },
    models: { [PRIMARY]: { rateLimit: { requestsPerMinute: 3, retryAfterS: 5 } } },
  };
}

interface Session {
  readonly ok: boolean;
  readonly ms: number;
}

/** One `claude -p` with a private HOME, its own key, no telemetry; stopped at the cap. */
function claudeSession(claude: string, baseUrl: string, home: string, capMs: number, prompt: string): Promise<Session> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: BENCH_API_KEY,
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
  const started = performance.now();
  const child = spawn(claude, ['-p', prompt, '--model', PRIMARY], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), capMs);
  return new Promise((done) => {
    child.once('error', () => done({ ok: false, ms: performance.now() - started }));
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ ok: code === 0 && stdout.trim().length > 0, ms: performance.now() - started });
    });
  });
}

function upstreamCounts(sim: RunningSimulator): Pick<ClaudeCodeLane, 'upstreamAttempts' | 'upstream429' | 'upstream529'> {
  const messages = sim.stats().requests.filter((r) => r.path.startsWith('/v1/messages') && !r.path.includes('count_tokens'));
  return {
    upstreamAttempts: messages.length,
    upstream429: messages.filter((r) => r.status === 429).length,
    upstream529: messages.filter((r) => r.status === 529).length,
  };
}

/** The endpoint as `serve` runs it (the broker's shared routes, bundled as it ships), in this process, in front of `upstream`. */
async function endpointFor(upstream: string): Promise<RunningEndpoint> {
  const { createRequestManager, createSharedRoutes, startEndpoint } = shippedCore();
  const base = { ...defaultManagerConfig(), models: [...CHAIN] };
  const shared = createSharedRoutes(base);
  return startEndpoint({
    port: 0,
    token: `rc-endpoint-${'b'.repeat(43)}`,
    createManager: (config) => createRequestManager(config, shared),
    base: () => base,
    models: () => CHAIN,
    upstreamBaseUrl: () => upstream,
    userProviders: () => null,
    log: (line) => { if (process.env['RC_BENCH_DEBUG']) console.error('EP', line); },
  });
}

/** `sessions` concurrent Claude Code sessions against the scenario, straight to a simulator or through an endpoint. */
async function lane(claude: string, scenario: Scenario, sessions: number, throughEndpoint: boolean, capMs: number): Promise<ClaudeCodeLane> {
  const sim = await startSimulator({ scenario, apiKey: BENCH_API_KEY });
  const endpoint = throughEndpoint ? await endpointFor(sim.url) : null;
  const homes = Array.from({ length: sessions }, () => mkdtempSync(join(tmpdir(), 'rc-bench-claude-')));
  try {
    sim.reset();
    const runs = await Promise.all(
      homes.map((home, i) => claudeSession(claude, endpoint?.url ?? sim.url, home, capMs, `[${scenario.name}] session ${i + 1}: why do breakers open?`)),
    );
    return {
      sessions,
      answered: runs.filter((r) => r.ok).length,
      timesMs: runs.map((r) => Math.round(r.ms)),
      answeredMs: runs.filter((r) => r.ok).map((r) => Math.round(r.ms)),
      maxMs: Math.round(Math.max(...runs.map((r) => r.ms))),
      ...upstreamCounts(sim),
    };
  } finally {
    await endpoint?.close();
    await sim.close();
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}

async function compare(claude: string, scenario: Scenario, sessions: number, capMs: number): Promise<ClaudeCodeComparison> {
  const [alone, endpoint] = await Promise.all([lane(claude, scenario, sessions, false, capMs), lane(claude, scenario, sessions, true, capMs)]);
  return { scenario: (scenario.name ?? '').replace(/^endpoint-/, ''), description: scenario.description ?? '', alone, endpoint };
}

/** One streamed request's times: [total ms, ms to the first text]. */
type Timed = [number, number];

/** One streamed request through the SDK (straight to the simulator, or through the endpoint). */
async function timedStream(client: Anthropic, prompt: string): Promise<Timed> {
  const started = performance.now();
  let first = 0;
  const stream = client.messages.stream({ model: PRIMARY, max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
  for await (const event of stream) {
    if (first === 0 && event.type === 'content_block_delta') first = performance.now() - started;
  }
  return [performance.now() - started, first];
}

/** The same request on our manager in this process, with no HTTP door in front of it. */
async function timedManager(manager: RequestManager, prompt: string): Promise<Timed> {
  const started = performance.now();
  let first = 0;
  const stream = manager.stream({ model: PRIMARY, max_tokens: 64, messages: [{ role: 'user', content: prompt }] }, { priority: 'interactive' });
  for await (const part of stream.parts) {
    if (first === 0 && part.type === 'text') first = performance.now() - started;
  }
  await stream.outcome;
  return [performance.now() - started, first];
}

function p50(values: readonly number[]): number {
  return Math.round((percentile([...values].sort((a, b) => a - b), 50) ?? 0) * 10) / 10;
}

const tenths = (ms: number): number => Math.round(ms * 10) / 10;

/** In this process (the endpoint's CPU on the measuring loop, no extra process to schedule), or as
 *  `serve` in its own process as users run it (null when dist/cli.js is not built). Three lanes,
 *  interleaved (each request's turn rotates, so none always meets the warmer simulator): the SDK
 *  straight to the simulator, our manager in this process straight to it, and the SDK through the
 *  endpoint (whose manager has the same settings). Beside `serve`, a fourth: the SDK through the least
 *  a relay in its own process can be that holds the head until the first content as ours does
 *  (bareRelay.ts --hold-head): what the extra hop and that rule cost by themselves. */
export async function measureEndpointOverhead(requests: number, as: EndpointOverhead['endpointAs']): Promise<EndpointOverhead | null> {
  const sim = await startSimulator({ scenario: 'healthy', apiKey: BENCH_API_KEY });
  const endpoint = await (as === 'in-process' ? endpointFor(sim.url) : startServedEndpoint(ROOT, sim.url, CHAIN)).catch(async (error: unknown) => {
    await sim.close();
    throw error;
  });
  if (endpoint === null) {
    await sim.close();
    return null;
  }
  const floor = as === 'serve process' ? await startRelayProgram(join(ROOT, 'bench', 'endpoint', 'bareRelay.ts'), sim.url, ['--hold-head']).catch(() => null) : null;
  const direct = new Anthropic({ baseURL: sim.url, apiKey: BENCH_API_KEY, maxRetries: 0 });
  const through = new Anthropic({ baseURL: endpoint.url, apiKey: BENCH_API_KEY, maxRetries: 0 });
  const viaFloor = floor !== null ? new Anthropic({ baseURL: floor.url, apiKey: BENCH_API_KEY, maxRetries: 0 }) : null;
  const manager = shippedCore().createRequestManager({
    ...defaultManagerConfig(),
    models: [...CHAIN],
    providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => BENCH_API_KEY }],
  });
  const lanes: readonly ((prompt: string) => Promise<Timed>)[] = [
    (prompt) => timedStream(direct, prompt),
    (prompt) => timedManager(manager, prompt),
    (prompt) => timedStream(through, prompt),
    ...(viaFloor !== null ? [(prompt: string) => timedStream(viaFloor, prompt)] : []),
  ];
  const times: Timed[][] = lanes.map(() => []);
  try {
    for (let i = 0; i < 5; i++) for (const lane of lanes) await lane(`warm-up ${i}`);
    for (let i = 0; i < requests; i++) {
      const prompt = `Question ${i}: what does a circuit breaker protect?`;
      for (let k = 0; k < lanes.length; k++) {
        const lane = (k + i) % lanes.length;
        times[lane]!.push(await lanes[lane]!(prompt));
      }
    }
  } finally {
    manager.dispose();
    await endpoint.close();
    await floor?.close();
    await sim.close();
  }
  const [d, m, e, f] = times.map((lane) => ({ total: p50(lane.map(([total]) => total)), first: p50(lane.map(([, first]) => first)) }));
  return {
    requests,
    endpointAs: as,
    p50DirectMs: d!.total,
    p50ManagerMs: m!.total,
    p50EndpointMs: e!.total,
    ttftP50DirectMs: d!.first,
    ttftP50ManagerMs: m!.first,
    ttftP50EndpointMs: e!.first,
    addedP50Ms: tenths(e!.total - d!.total),
    addedTtftMs: tenths(e!.first - d!.first),
    addedOverManagerP50Ms: tenths(e!.total - m!.total),
    addedOverManagerTtftMs: tenths(e!.first - m!.first),
    ...(f !== undefined ? { addedByBareRelayP50Ms: tenths(f.total - d!.total), addedByBareRelayTtftMs: tenths(f.first - d!.first) } : {}),
  };
}

async function provisionedClaude(): Promise<{ claude: string; version: string } | string> {
  try {
    const url = pathToFileURL(join(ROOT, 'scripts', 'provision-claude-code.mjs')).href;
    const { provisionClaudeCode } = (await import(url)) as { provisionClaudeCode: () => { claude: string; version: string } };
    return provisionClaudeCode();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function measureEndpoint(profile: EndpointBenchProfile): Promise<EndpointBenchFigures> {
  const claude = await provisionedClaude();
  let comparisons: ClaudeCodeComparison[] = [];
  if (typeof claude !== 'string') {
    // One scenario after the other (twelve Claude Code processes starting at once crowd a small
    // machine); within a scenario both lanes run side by side.
    comparisons = [
      await compare(claude.claude, outageScenario(), 1, profile.sessionCapMs),
      await compare(claude.claude, stormScenario(), STORM_SESSIONS, profile.sessionCapMs),
    ];
  }
  const overhead = (await measureEndpointOverhead(profile.overheadRequests, 'in-process'))!;
  const overheadServed = await measureEndpointOverhead(profile.overheadRequests, 'serve process');
  return {
    claudeCodeVersion: typeof claude === 'string' ? null : claude.version,
    claudeCodeNotRun: typeof claude === 'string' ? claude : null,
    comparisons,
    overhead,
    overheadServed,
  };
}

if (require.main === module) {
  void measureEndpoint(process.argv.includes('--quick') ? ENDPOINT_QUICK : ENDPOINT_FULL).then((figures) => console.log(endpointSection(figures).join('\n')));
}
