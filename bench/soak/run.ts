// `npm run bench:soak [-- --requests 50000] [-- --census] [-- --snapshot]`
// A long soak of one request manager: requests 8 at a time against the simulator (in its own
// process, so the heap is the manager's alone), a tenth of the primary's answers 529 (the fallback
// is healthy), a tenth of the requests aborted by the caller part-way, half streamed and half sent.
// After every 1,000 requests, full garbage collections with the event loop turned between them, and
// the heap in use. Writes bench/results/soak.md. With --census, heap snapshots after warm-up and at
// the end, compared by constructor; with --snapshot, the end's heap snapshot is kept for DevTools.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultManagerConfig } from '../../src/core/defaults';
import { createRequestManager } from '../../src/core/requestManager';
import type { RelayManager } from '../../src/core/contract';
import { censusGrowth, heapCensus } from './heapCensus';
import { soakFigures, soakMarkdown, soakSummary, type HeapSample } from './soakReport';
import { SOAK_API_KEY, SOAK_CHAIN } from './soakScenario';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MB = 1024 * 1024;
const IN_FLIGHT = 8;
const SAMPLE_EVERY = 1_000;
const WARM_UP = 2_000;
const SETUP =
  `One request manager (default configuration, chain ${SOAK_CHAIN.join(' → ')}) against the simulator in a process of its own, ` +
  `${IN_FLIGHT} requests at a time; the primary answers 529 to a tenth of its requests (the fallback is healthy); every tenth request ` +
  'is aborted by its caller 0–3 ms after it starts; half are streamed, half sent. After every 1,000 requests: full garbage ' +
  'collections with the event loop turned between them (undici cancels the bodies of collected responses in a finalizer, ' +
  'which runs only then), and the heap in use. `npm run bench:soak -- --requests 50000 --census`.';

function numberArg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const raw = index > 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(raw) && raw > 0 ? raw : fallback;
}

async function startSimulatorProcess(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'simulatorProcess.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    stop: async () => {
      const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
      child.stdin.end();
      await exited;
    },
  };
}

/** The heap in use after full collections, with the event loop turned between them so that
 *  finalizers (undici cancels the bodies of collected responses in one) and closing sockets run. */
async function heapNow(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** One request: streamed or sent, aborted part-way for a tenth of them (all decided by its index). */
async function oneRequest(manager: RelayManager, index: number): Promise<void> {
  const controller = new AbortController();
  const timer = index % 10 === 3 ? setTimeout(() => controller.abort(), index % 4) : undefined;
  const request = { messages: [{ role: 'user' as const, content: `soak question ${index}` }], max_tokens: 32 };
  try {
    if (index % 2 === 0) {
      const stream = manager.stream(request, { signal: controller.signal });
      try {
        for await (const part of stream) void part;
      } catch {
        // The outcome carries the failure.
      }
      await stream.outcome;
    } else {
      await manager.send(request, { signal: controller.signal });
    }
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const total = numberArg('requests', 50_000);
  const census = process.argv.includes('--census');
  await import('@anthropic-ai/sdk');
  const sim = await startSimulatorProcess();
  const manager = createRequestManager({
    ...defaultManagerConfig(),
    models: [...SOAK_CHAIN],
    providers: [{ id: 'anthropic', baseURL: sim.url, apiKey: () => SOAK_API_KEY }],
  });
  const samples: HeapSample[] = [];
  let afterWarmUp: string | null = null;
  let next = 0;
  const started = Date.now();
  // Rounds of SAMPLE_EVERY requests, IN_FLIGHT at a time; the heap is read between rounds, when
  // nothing is in flight.
  for (let done = 0; done < total; done += SAMPLE_EVERY) {
    const end = Math.min(total, done + SAMPLE_EVERY);
    const lane = async (): Promise<void> => {
      while (next < end) await oneRequest(manager, next++);
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const heapMb = (await heapNow()) / MB;
    samples.push({ requests: end, heapMb });
    process.stdout.write(`${String(end).padStart(6)} requests  heap ${heapMb.toFixed(2)} MB  (${Math.round((Date.now() - started) / 1000)} s)\n`);
    if (census && end === WARM_UP) afterWarmUp = writeHeapSnapshot();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  const atEnd = census ? writeHeapSnapshot() : null;
  if (process.argv.includes('--snapshot')) process.stdout.write(`heap snapshot: ${writeHeapSnapshot()}\n`);
  manager.dispose();
  await sim.stop();

  const figures = soakFigures(samples, WARM_UP);
  process.stdout.write(`\n${soakSummary(total, seconds, figures, WARM_UP)}`);
  const growth = afterWarmUp !== null && atEnd !== null ? censusGrowth(heapCensus(afterWarmUp), heapCensus(atEnd)) : null;
  if (growth !== null) {
    process.stdout.write('\nWhat grew from warm-up to the end, by constructor (objects, bytes):\n');
    for (const row of growth.slice(0, 15)) process.stdout.write(`  ${row.name.padEnd(40)} ${String(row.count).padStart(8)} ${String(row.bytes).padStart(10)}\n`);
  }
  const dir = resolve(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(resolve(dir, 'soak.md'), soakMarkdown({ date, total, seconds, warmUp: WARM_UP, samples, figures, growth, setup: SETUP }));
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
