// One "window" of the five-windows benchmark, as its own process: an open-loop stream of
// requests at a fixed rate, through its own in-process manager (independent) or as a client of
// the user's broker (shared). Reads its job from the RC_WINDOW_JOB environment variable (JSON)
// and prints one JSON line with what it saw.
import * as path from 'node:path';
import type { ManagerConfig, RequestManager } from '../../src/core/contract';
import { defaultManagerConfig } from '../../src/core/defaults';
import { createRequestManager } from '../../src/core/requestManager';
import type { Outcome } from '../../src/core/types';
import { connectOrStartBroker } from '../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../src/broker/client/jsonRpcChannel';
import { SharedManager } from '../../src/broker/client/sharedManager';
import { spawnBroker } from '../../src/broker/client/spawnBroker';
import type { WindowJob, WindowReport, WindowSignal } from './job';

const job = JSON.parse(process.env['RC_WINDOW_JOB'] ?? '{}') as WindowJob;

function config(): ManagerConfig {
  const defaults = defaultManagerConfig();
  return {
    ...defaults,
    models: job.models,
    providers: [{ id: 'anthropic', baseURL: job.baseURL, apiKey: () => job.apiKey }],
    retry: { ...defaults.retry, deadlineMs: job.deadlineMs },
    ...(job.pacing ? { pacing: job.pacing } : {}),
  } as ManagerConfig;
}

async function manager(): Promise<RequestManager> {
  if (job.mode === 'independent') return createRequestManager(config());
  const shared = new SharedManager({
    config: config(),
    historyFile: null,
    reconnect: false,
    createLocal: (c) => createRequestManager(c),
    log: () => undefined,
    connect: async () =>
      openJsonRpcChannel(
        await connectOrStartBroker({
          runtimeDir: job.runtimeDir,
          start: () => spawnBroker({ script: path.resolve(__dirname, '..', '..', 'dist', 'broker.js'), runtimeDir: job.runtimeDir }),
        }),
        'window',
        `bench-window-${job.index}`,
      ),
  });
  await shared.whenReady();
  if (shared.sharing.mode !== 'shared') throw new Error(`window ${job.index} could not join the broker`);
  return shared;
}

/** Says it is ready and waits for the common start moment. */
function readyThenStart(): Promise<number> {
  return new Promise((resolve) => {
    process.once('message', (message: WindowSignal) => {
      if (message.type === 'start') resolve(message.startAt);
    });
    const ready: WindowSignal = { type: 'ready' };
    process.send?.(ready);
  });
}

async function main(): Promise<void> {
  const m = await manager();
  // The manager loads the SDK on its first request: load it now, so a cold process's first
  // requests are not late (and do not go out in a burst) after the scenario's clock started.
  await import('@anthropic-ai/sdk');
  const outcomes: Array<Promise<Outcome>> = [];
  const intervalMs = 1000 / job.ratePerSecond;
  // Start together: every window waits for the same wall-clock moment, given once all are ready.
  const startAt = await readyThenStart();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const started = Date.now();
  for (let i = 0; started + i * intervalMs < started + job.durationMs; i++) {
    const due = started + i * intervalMs + job.index * (intervalMs / job.windows);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    outcomes.push(
      m.send(
        { messages: [{ role: 'user', content: `window ${job.index} request ${i}: what is a circuit breaker?` }], max_tokens: 64 },
        { priority: job.priority ?? 'interactive' },
      ),
    );
  }
  const settled = await Promise.all(outcomes);
  const finished = Date.now();
  m.dispose();
  process.disconnect?.();
  const report: WindowReport = {
    index: job.index,
    sent: settled.length,
    answered: settled.filter((o) => o.ok).length,
    attempts: settled.reduce((sum, o) => sum + o.attempts.length, 0),
    elapsedMs: finished - started,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
