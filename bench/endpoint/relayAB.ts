// The endpoint's own cost, side by side for builds or source trees (an A/B: a change against
// main): the same streamed requests with the SDK straight to the simulator and through each
// endpoint, interleaved and rotated, so each round meets the machine in the same state. Reports,
// per lane, the p50 and time to first token, the median of each round's difference to the SDK
// alone, the two hops (wireMoments.ts), and for `serve` its CPU per request.
//   node --import tsx bench/endpoint/relayAB.ts [--requests N] [--cpu-prof DIR] serve:<root> in-process:<root> cmd:<file>[,arg…] …
// where each root is a clone (built, for serve:), e.g. main exported and built in /tmp/main against
// this clone: serve:/tmp/main serve:. in-process:/tmp/main in-process:. A cmd: lane runs a TypeScript
// file that is given the upstream URL and prints `Listening on URL`, e.g. the floor of any relay:
// cmd:bench/endpoint/bareRelay.ts cmd:bench/endpoint/bareRelay.ts,--hold-head.
// With --cpu-prof DIR each serve lane runs under node's CPU profiler (100 µs samples, its profile
// kept in DIR/lane-N) and the report adds where its CPU went, by source module (profileModules.ts):
// the profiler's own cost inflates the CPU figure of such a run, so compare lanes of one run only.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../src/simulator/index';
import { BENCH_API_KEY, CHAIN, PRIMARY } from '../config';
import { percentile } from '../lib/percentile';
import { moduleTimes } from './profileModules';
import { startRelayProgram } from './relayProgram';
import { startServedEndpoint } from './servedEndpoint';
import { watchSimulator } from './wireMoments';
import type { SimulatorWatch } from './wireMoments';

interface Lane {
  readonly name: string;
  readonly url: string;
  /** The CPU profile the lane's process writes as it exits, and the bundle it ran (with --cpu-prof). */
  readonly profile?: { readonly dir: string; readonly bundle: string };
  /** CPU ms the endpoint's process used so far (null: in this process, or not on Linux). */
  cpuMs(): number | null;
  close(): Promise<void>;
}

/** One streamed request: total, time to first delta, client's start → simulator's request, simulator's first content → client's first delta. */
type Timed = readonly [number, number, number, number];

/** CPU ms a process used so far: its threads' scheduler run times (exact, in ns), else its
 *  utime + stime (sampled in clock ticks of 10 ms: too coarse to tell 50 µs per request apart). */
function cpuMsOf(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    // No scheduler statistics: the sampled times below.
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The endpoint of the source tree at `root`, in this process (as the bench's in-process lane runs it). */
async function inProcess(root: string, upstream: string): Promise<Lane> {
  const src = (path: string): string => join(resolve(root), 'src', path);
  const server = (await import(src('broker/endpoint/endpointServer.ts'))) as typeof import('../../src/broker/endpoint/endpointServer');
  const defaults = (await import(src('core/defaults.ts'))) as typeof import('../../src/core/defaults');
  const managers = (await import(src('core/requestManager.ts'))) as typeof import('../../src/core/requestManager');
  const sharedRoutes = (await import(src('core/sharedRoutes.ts'))) as typeof import('../../src/core/sharedRoutes');
  const base = { ...defaults.defaultManagerConfig(), models: [...CHAIN] };
  const shared = sharedRoutes.createSharedRoutes(base);
  const endpoint = await server.startEndpoint({
    port: 0,
    token: `rc-endpoint-${'b'.repeat(43)}`,
    createManager: (config) => managers.createRequestManager(config, shared),
    base: () => base,
    models: () => CHAIN,
    upstreamBaseUrl: () => upstream,
    userProviders: () => null,
    log: () => undefined,
  });
  return { name: `in-process:${root}`, url: endpoint.url, cpuMs: () => null, close: () => endpoint.close() };
}

async function served(root: string, upstream: string, profileDir: string | null): Promise<Lane> {
  const nodeArgs = profileDir === null ? [] : ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${profileDir}`];
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const endpoint = await startServedEndpoint(resolve(root), upstream, CHAIN, nodeArgs);
  if (endpoint === null) throw new Error(`${root}/dist/cli.js is not built.`);
  const profile = profileDir === null ? {} : { profile: { dir: profileDir, bundle: join(resolve(root), 'dist', 'cli.js') } };
  return { name: `serve:${root}`, url: endpoint.url, ...profile, cpuMs: () => cpuMsOf(endpoint.pid), close: () => endpoint.close() };
}

/** Where a profiled lane's process spent its CPU (its whole life: start-up and warm-up included). */
function reportProfile(lane: Lane, requests: number): void {
  if (lane.profile === undefined) return;
  const file = readdirSync(lane.profile.dir).filter((name) => name.endsWith('.cpuprofile')).sort().at(-1);
  if (file === undefined) {
    console.log(`${lane.name}: no CPU profile in ${lane.profile.dir}`);
    return;
  }
  const times = moduleTimes(join(lane.profile.dir, file), lane.profile.bundle);
  const total = times.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`${lane.name}: CPU by module (self time, µs per request over its whole life, ${(total / requests).toFixed(2)} ms in all; ${join(lane.profile.dir, file)})`);
  for (const [name, ms] of times.slice(0, 30)) console.log(`  ${((ms * 1000) / requests).toFixed(0).padStart(6)}  ${name}`);
}

/** A program of ours in its own process (relayProgram.ts), given the upstream URL and the spec's other arguments. */
async function command(spec: string, upstream: string): Promise<Lane> {
  const [file, ...rest] = spec.split(',');
  const program = await startRelayProgram(file!, upstream, rest);
  return { name: `cmd:${spec}`, url: program.url, cpuMs: () => cpuMsOf(program.pid), close: () => program.close() };
}

async function timed(client: Anthropic, watch: SimulatorWatch, prompt: string): Promise<Timed> {
  const started = performance.now();
  let first = 0;
  let relayed = 0;
  const stream = client.messages.stream({ model: PRIMARY, max_tokens: 64, messages: [{ role: 'user', content: prompt }] });
  for await (const event of stream) {
    if (first === 0 && event.type === 'content_block_delta') {
      const now = performance.now();
      first = now - started;
      relayed = now - watch.firstContentAt;
    }
  }
  return [performance.now() - started, first, watch.requestAt - started, relayed];
}

const median = (values: readonly number[]): number => Math.round((percentile([...values].sort((a, b) => a - b), 50) ?? 0) * 100) / 100;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--requests');
  const requests = at >= 0 ? Number(args[at + 1]) : 200;
  const profileAt = args.indexOf('--cpu-prof');
  const profileDir = profileAt >= 0 ? resolve(args[profileAt + 1] ?? '') : null;
  const specs = args.filter((_arg, i) => (at < 0 || (i !== at && i !== at + 1)) && (profileAt < 0 || (i !== profileAt && i !== profileAt + 1)));
  const sim = await startSimulator({ scenario: 'healthy', apiKey: BENCH_API_KEY });
  const watch = watchSimulator(Number(new URL(sim.url).port));
  const lanes: Lane[] = [{ name: 'SDK alone', url: sim.url, cpuMs: () => null, close: async () => undefined }];
  try {
    for (const spec of specs) {
      if (spec.startsWith('serve:')) lanes.push(await served(spec.slice(6), sim.url, profileDir === null ? null : join(profileDir, `lane-${lanes.length}`)));
      else if (spec.startsWith('in-process:')) lanes.push(await inProcess(spec.slice(11), sim.url));
      else if (spec.startsWith('cmd:')) lanes.push(await command(spec.slice(4), sim.url));
      else throw new Error(`Not a lane: ${spec} (serve:<root>, in-process:<root> or cmd:<file>)`);
    }
    const clients = lanes.map((lane) => new Anthropic({ baseURL: lane.url, apiKey: BENCH_API_KEY, maxRetries: 0 }));
    for (let i = 0; i < 10; i++) for (const client of clients) await timed(client, watch, `warm-up ${i}`);
    const cpuBefore = lanes.map((lane) => lane.cpuMs());
    const times: Timed[][] = lanes.map(() => []);
    for (let i = 0; i < requests; i++) {
      for (let k = 0; k < lanes.length; k++) {
        const lane = (k + i) % lanes.length;
        times[lane]!.push(await timed(clients[lane]!, watch, `Question ${i}: what does a circuit breaker protect?`));
      }
    }
    console.log(`${requests} streamed requests per lane, interleaved (healthy scenario)`);
    lanes.forEach((lane, i) => {
      const own = times[i]!;
      const alone = times[0]!;
      const added = (field: 0 | 1): number => median(own.map((t, round) => t[field] - alone[round]![field]));
      const before = cpuBefore[i];
      const after = lane.cpuMs();
      const cpu = before !== null && before !== undefined && after !== null ? `; its process's CPU ${((after - before) / requests).toFixed(2)} ms per request` : '';
      console.log(
        `${lane.name}: p50 ${median(own.map((t) => t[0]))} ms, first token ${median(own.map((t) => t[1]))} ms` +
          (i === 0 ? '' : ` (added, median per round: ${added(0)} ms, first token ${added(1)} ms)`) +
          `; client's start → simulator's request ${median(own.map((t) => t[2]))} ms; simulator's first content → client's first delta ${median(own.map((t) => t[3]))} ms${cpu}`,
      );
    });
  } finally {
    watch.stop();
    for (const lane of lanes) await lane.close();
    await sim.close();
  }
  // A process writes its profile as it exits: read once every lane is closed.
  for (const lane of lanes) reportProfile(lane, requests);
}

void main();
