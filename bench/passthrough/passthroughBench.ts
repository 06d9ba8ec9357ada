// The manager's cost when nothing fails: the same streamed request sent (a) with the bare official
// SDK (`client.messages.stream(body).finalMessage()`, no retries) and (b) through the manager
// (`manager.stream(body)`, every part read, the outcome awaited), one at a time, interleaved so load
// on the machine falls on both alike, against the healthy simulator in its own process (so this
// process's CPU is the client's alone). Reports p50 latency and CPU per request, each as a ratio.
//   npm run build && node --import tsx bench/passthrough/passthroughBench.ts [--requests N]
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { createRequestManager } from '../../src/core/requestManager';
import { defaultManagerConfig } from '../../src/core/defaults';
import type { RequestManager } from '../../src/core/contract';
import { BENCH_API_KEY, CHAIN, PRIMARY } from '../config';
import { percentile } from '../lib/percentile';
import { passthroughLine } from './passthroughFigures';
import type { PassthroughFigures } from './passthroughFigures';

const MAX_TOKENS = 256;
const WARMUP = 10;

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

const median = (values: number[]): number => Math.round((percentile([...values].sort((a, b) => a - b), 50) ?? Number.NaN) * 100) / 100;
const mean = (values: number[]): number => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;

export async function measurePassthrough(requests: number): Promise<PassthroughFigures> {
  const sim = await startSimulatorProcess();
  const client = new Anthropic({ apiKey: BENCH_API_KEY, baseURL: sim.url, maxRetries: 0 });
  const manager = createRequestManager({ ...defaultManagerConfig(), models: [...CHAIN], providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => BENCH_API_KEY }] });
  const sdk: Sample[] = [];
  const ours: Sample[] = [];
  try {
    for (let i = 0; i < WARMUP; i++) {
      await viaSdk(client, `warm-up ${i}`);
      await viaManager(manager, `warm-up ${i}`);
    }
    for (let i = 0; i < requests; i++) {
      const prompt = `Question ${i}: what does a circuit breaker protect?`;
      // Alternate which goes first, so neither always meets a warmer connection.
      if (i % 2 === 0) {
        sdk.push(await measured(() => viaSdk(client, prompt)));
        ours.push(await measured(() => viaManager(manager, prompt)));
      } else {
        ours.push(await measured(() => viaManager(manager, prompt)));
        sdk.push(await measured(() => viaSdk(client, prompt)));
      }
    }
  } finally {
    manager.dispose();
    sim.child.kill();
  }
  const p50SdkMs = median(sdk.map((s) => s.ms));
  const p50OursMs = median(ours.map((s) => s.ms));
  const cpuSdkMs = mean(sdk.map((s) => s.cpuMs));
  const cpuOursMs = mean(ours.map((s) => s.cpuMs));
  return {
    requests,
    p50SdkMs,
    p50OursMs,
    cpuSdkMs,
    cpuOursMs,
    p50Ratio: Math.round((p50OursMs / p50SdkMs) * 100) / 100,
    cpuRatio: Math.round((cpuOursMs / cpuSdkMs) * 100) / 100,
  };
}

if (require.main === module) {
  const at = process.argv.indexOf('--requests');
  const requests = at > 0 ? Number(process.argv[at + 1]) : 150;
  void measurePassthrough(requests).then(
    (f) => console.log(`${passthroughLine(f)}\n${JSON.stringify(f)}`),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
