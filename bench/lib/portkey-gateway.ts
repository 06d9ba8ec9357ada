// Runs the Portkey gateway (npm @portkey-ai/gateway) as a local child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from './free-port';
import { readProcessCpuMs } from './proc-cpu';

export interface RunningGateway {
  readonly url: string;
  readonly pid: number;
  readonly version: string;
  /** CPU time (user + system) the gateway process has used so far, ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startPortkeyGateway(): Promise<RunningGateway> {
  const port = await freePort();
  const launcher = resolve(__dirname, 'portkey-launch.mjs');
  const child: ChildProcess = spawn(process.execPath, [launcher, `--port=${port}`, '--headless'], {
    stdio: ['ignore', process.env.BENCH_GATEWAY_LOG ? 'inherit' : 'ignore', process.env.BENCH_GATEWAY_LOG ? 'inherit' : 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The Portkey gateway exited (${child.exitCode}): ${stderr.trim()}`);
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (Date.now() >= deadline) {
    child.kill();
    throw new Error('The Portkey gateway did not start within 15 s.');
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('The Portkey gateway has no pid.');
  const version = (require('@portkey-ai/gateway/package.json') as { version: string }).version;
  return {
    url,
    pid,
    version,
    cpuMs: () => readProcessCpuMs(pid),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}
