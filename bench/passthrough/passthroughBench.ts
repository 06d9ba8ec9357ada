// The manager's cost when nothing fails: the same streamed request sent (a) with the bare official
// SDK (`client.messages.stream(body).finalMessage()`, no retries) and (b) through the manager
// (`manager.stream(body)`, every part read, the outcome awaited; the manager bundled as it ships,
// shippedCore.ts), one at a time, interleaved so load
// on the machine falls on both alike, against the healthy simulator in its own process (so this
// process's CPU is the client's alone). The requests run in rounds (the order swapped each time);
// CPU per request is the median over the rounds, with the lowest and highest round beside it.
// Reports p50 latency and CPU per request, each as a ratio. Then the same with the network taken
// out (fetch answers from memory with the simulator's recorded answer, cut at its events): what is
// left is the two clients' own CPU, with no socket, parser or wake-up cost whose noise on a loaded
// machine is larger than the manager's whole share.
//   npm run build && node --import tsx bench/passthrough/passthroughBench.ts [--requests N]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { shippedCore } from '../lib/shippedCore';
import { defaultManagerConfig } from '../../src/core/defaults';
import type { RequestManager } from '../../src/core/contract';
import { BENCH_API_KEY, CHAIN, PRIMARY } from '../config';
import { percentile } from '../lib/percentile';
import { pairRounds } from '../lib/pairedRounds';
import type { PairedFigures, PairedRound } from '../lib/pairedRounds';
import { passthroughLine } from './passthroughFigures';
import type { PassthroughFigures } from './passthroughFigures';

const MAX_TOKENS = 256;
/** Requests each before measuring: code paths optimised, connections open. */
const WARMUP = 30;
/** Rounds the requests are split into (fewer when there are fewer requests). */
const ROUNDS = 10;

interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
}

async function measured(run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

const body = (prompt: string): { model: string; max_tokens: number; messages: { role: 'user'; content: string }[] } => ({
  model: PRIMARY,
  max_tokens: MAX_TOKENS,
  messages: [{ role: 'user', content: prompt }],
});

async function viaSdk(client: Anthropic, prompt: string): Promise<void> {
  await client.messages.stream(body(prompt)).finalMessage();
}

async function viaManager(manager: RequestManager, prompt: string): Promise<void> {
  const stream = manager.stream(body(prompt));
  for await (const part of stream.parts) void part;
  const outcome = await stream.outcome;
  if (!outcome.ok) throw new Error(`request failed: ${outcome.error.message}`);
}

function startSimulatorProcess(): Promise<{ readonly url: string; readonly child: ChildProcess }> {
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, 'simulate', '--scenario', 'healthy', '--port', '0', '--api-key', BENCH_API_KEY], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const url = /listening on (http:\/\/\S+)/i.exec(seen)?.[1];
      if (url) resolve({ url, child });
    });
    child.on('exit', (code) => reject(new Error(`the simulator exited (${String(code)}) before listening; run npm run build`)));
  });
}

/** The simulator's answer to one streamed request, recorded: a fetch that replays it from memory. */
async function recordedFetch(simUrl: string): Promise<typeof fetch> {
  const response = await fetch(`${simUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': BENCH_API_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ ...body('recorded'), stream: true }),
  });
  const headers = [...response.headers.entries()];
  const text = await response.text();
  if (!response.ok || !text.includes('message_stop')) throw new Error(`the simulator's recorded answer is not a whole stream (HTTP ${response.status})`);
  const encoder = new TextEncoder();
  const events = text.split(/(?<=\n\n)/).map((event) => encoder.encode(event));
  return async () =>
    new Response(
      new ReadableStream({
        type: 'bytes',
        start(controller) {
          for (const event of events) controller.enqueue(event.slice());
          controller.close();
        },
      }),
      { status: 200, headers },
    );
}

/** Requests each without the network (about a millisecond apiece), and the warm-up before them. */
const IN_MEMORY_REQUESTS = 2_000;
const IN_MEMORY_WARMUP = 200;

async function interleavedRounds(
  requests: number,
  run: { readonly sdk: (prompt: string) => Promise<void>; readonly ours: (prompt: string) => Promise<void> },
): Promise<{ readonly rounds: PairedRound[]; readonly sdk: Sample[]; readonly ours: Sample[] }> {
  const sdk: Sample[] = [];
  const ours: Sample[] = [];
  const rounds: PairedRound[] = [];
  const roundCount = Math.max(1, Math.min(ROUNDS, requests));
  let i = 0;
  for (let r = 0; r < roundCount; r++) {
    const end = Math.round(((r + 1) * requests) / roundCount);
    const roundSdk: Sample[] = [];
    const roundOurs: Sample[] = [];
    for (; i < end; i++) {
      const prompt = `Question ${i}: what does a circuit breaker protect?`;
      // Alternate which goes first, so neither always meets a warmer connection.
      if ((i + r) % 2 === 0) {
        roundSdk.push(await measured(() => run.sdk(prompt)));
        roundOurs.push(await measured(() => run.ours(prompt)));
      } else {
        roundOurs.push(await measured(() => run.ours(prompt)));
        roundSdk.push(await measured(() => run.sdk(prompt)));
      }
    }
    sdk.push(...roundSdk);
    ours.push(...roundOurs);
    rounds.push({ sdkMs: mean(roundSdk), oursMs: mean(roundOurs) });
  }
  return { rounds, sdk, ours };
}

/** Both clients' CPU per request with fetch answering from memory (each client is given it). */
async function measureWithoutNetwork(simUrl: string, requests: number): Promise<PairedFigures> {
  const replay = await recordedFetch(simUrl);
  const nowhere = 'http://127.0.0.1:9';
  const client = new Anthropic({ apiKey: BENCH_API_KEY, baseURL: nowhere, maxRetries: 0, fetch: replay });
  const manager = shippedCore().createRequestManager({ ...defaultManagerConfig(), models: [...CHAIN], providers: [{ id: 'anthropic', baseURL: nowhere, apiKey: () => BENCH_API_KEY, fetch: replay }] });
  try {
    const run = { sdk: (prompt: string) => viaSdk(client, prompt), ours: (prompt: string) => viaManager(manager, prompt) };
    for (let i = 0; i < IN_MEMORY_WARMUP; i++) {
      await run.sdk(`warm-up ${i}`);
      await run.ours(`warm-up ${i}`);
    }
    return pairRounds((await interleavedRounds(requests, run)).rounds);
  } finally {
    manager.dispose();
  }
}

const median = (values: number[]): number => Math.round((percentile([...values].sort((a, b) => a - b), 50) ?? Number.NaN) * 100) / 100;
const mean = (values: readonly Sample[]): number => values.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, values.length);

export async function measurePassthrough(requests: number, inMemoryRequests = IN_MEMORY_REQUESTS): Promise<PassthroughFigures> {
  const sim = await startSimulatorProcess();
  const client = new Anthropic({ apiKey: BENCH_API_KEY, baseURL: sim.url, maxRetries: 0 });
  const manager = shippedCore().createRequestManager({ ...defaultManagerConfig(), models: [...CHAIN], providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => BENCH_API_KEY }] });
  let measuredRun: { readonly rounds: PairedRound[]; readonly sdk: Sample[]; readonly ours: Sample[] };
  let withoutNetwork: PairedFigures;
  try {
    for (let i = 0; i < WARMUP; i++) {
      await viaSdk(client, `warm-up ${i}`);
      await viaManager(manager, `warm-up ${i}`);
    }
    measuredRun = await interleavedRounds(requests, { sdk: (prompt) => viaSdk(client, prompt), ours: (prompt) => viaManager(manager, prompt) });
    withoutNetwork = await measureWithoutNetwork(sim.url, inMemoryRequests);
  } finally {
    manager.dispose();
    sim.child.kill();
  }
  const { rounds, sdk, ours } = measuredRun;
  const p50SdkMs = median(sdk.map((s) => s.ms));
  const p50OursMs = median(ours.map((s) => s.ms));
  const cpu = pairRounds(rounds);
  return {
    requests,
    p50SdkMs,
    p50OursMs,
    cpuSdkMs: cpu.sdkMs.median,
    cpuOursMs: cpu.oursMs.median,
    p50Ratio: Math.round((p50OursMs / p50SdkMs) * 100) / 100,
    cpuRatio: Math.round(cpu.ratio.median * 100) / 100,
    cpu,
    cpuWithoutNetwork: withoutNetwork,
  };
}

if (require.main === module) {
  const at = process.argv.indexOf('--requests');
  const requests = at > 0 ? Number(process.argv[at + 1]) : 300;
  void measurePassthrough(requests).then(
    (f) => console.log(`${passthroughLine(f)}\n${JSON.stringify(f)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
