// Shared setup for the broker's integration tests: a private runtime folder per test, the built
// CLI run as separate processes (as scripts and windows are), and the brokers they start found
// and killed by the test itself.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as net from 'node:net';
import * as path from 'node:path';
import { startBroker } from '../../../src/broker/brokerServer';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import type { SharedManagerOptions } from '../../../src/broker/client/sharedManager';
import { newChallenge } from '../../../src/broker/peerProof';
import { BROKER_PROTOCOL_VERSION } from '../../../src/broker/protocol';
import { brokerPidPath, brokerSocketPath, ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';
import type { ManagerConfig } from '../../../src/core/contract';
import { createRequestManager } from '../../../src/core/requestManager';
import { TEST_KEY } from '../core/harness';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');

export function requireBuild(): void {
  for (const file of ['cli.js', 'broker.js']) {
    if (!existsSync(path.join(REPO, 'dist', file))) throw new Error(`dist/${file} is missing: run npm run build first.`);
  }
}

/** A fresh private runtime folder (mode 0700) for one test's broker. */
export function runtimeDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rc-broker-'));
  chmodSync(dir, 0o700);
  return dir;
}

export function brokerEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANTHROPIC_API_KEY: TEST_KEY,
    RESILIENT_CLAUDE_RUNTIME_DIR: dir,
    RESILIENT_CLAUDE_BROKER_IDLE_MS: '20000',
    ...extra,
  };
}

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly done: Promise<Finished>;
}

/** Starts `node dist/cli.js ask ARGS`; killed if it outlives `timeoutMs`. */
export function startAsk(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Running {
  const child = spawn(process.execPath, [CLI, 'ask', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<Finished>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, done };
}

export function ask(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<Finished> {
  return startAsk(args, env, timeoutMs).done;
}

/** The JSON line `ask --json` printed. */
export function json(result: Finished): {
  ok: boolean;
  text: string;
  model: string | null;
  attempts: Array<{ model: string; status: number | null }>;
  broker?: { mode: string; pid?: number };
} {
  const line = result.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`ask printed no JSON (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

/** Live broker processes whose runtime folder is `dir` (Linux: read from /proc). */
export function brokerPids(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (!cmdline.includes('broker.js')) continue;
      const environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue; // A zombie has exited already.
      if (environ.includes(`RESILIENT_CLAUDE_RUNTIME_DIR=${dir}`)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

export function pidFile(dir: string): number | null {
  try {
    return Number(readFileSync(brokerPidPath(dir), 'utf8').trim());
  } catch {
    return null;
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 50 ms until it holds or `withinMs` passes; returns whether it held. */
export async function eventually(check: () => boolean, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (check()) return true;
    await pause(50);
  }
  return check();
}

/** Kills every broker of `dir` (a stopped one is continued first) and removes the folder. */
export async function cleanUp(dir: string): Promise<void> {
  for (const pid of brokerPids(dir)) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await eventually(() => brokerPids(dir).length === 0, 5_000);
  rmSync(dir, { recursive: true, force: true });
}

/** A broker in this process on a fresh runtime folder, for tests that drive SharedManager clients. */
export async function inProcessBroker(): Promise<{ readonly dir: string; readonly broker: RunningBroker }> {
  const dir = runtimeDir();
  const broker = await startBroker({ runtimeDir: dir, idleExitMs: 60_000, log: () => undefined });
  if (!broker) throw new Error('the test broker did not start');
  return { dir, broker };
}

/** A broker client (no reconnect unless asked) with an in-process fallback, connecting with `connect`. */
function brokerClient(config: ManagerConfig, connect: SharedManagerOptions['connect'], reconnect = false): SharedManager {
  return new SharedManager({ config, historyFile: null, reconnect, createLocal: (c) => createRequestManager(c), log: () => undefined, connect });
}

/** A window's client of the broker in `dir` (SharedManager as the editor makes it), with an in-process fallback. */
export function windowClient(dir: string, config: ManagerConfig, name: string, reconnect: boolean): SharedManager {
  return brokerClient(config, async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'window', name), reconnect);
}

/** One JSON-RPC message framed as the broker reads it. */
export function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** A valid \`initialize\` request, as a raw client of kind `cli` named `name` would frame it. */
export function initializeFrame(id: number, name: string): string {
  const hello = { protocolVersion: BROKER_PROTOCOL_VERSION, kind: 'cli', name, challenge: newChallenge() };
  return frame({ jsonrpc: '2.0', id, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: hello } });
}

/** A bare connection to the broker's socket in `dir`: it says nothing unless written to. */
export function rawConnection(dir: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(brokerSocketPath(ensurePrivateRuntimeDir(dir)));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A client of the broker in `dir` (a one-shot CLI's kind: no reconnect), with an in-process fallback. */
export function sharedClient(dir: string, config: ManagerConfig, name: string): SharedManager {
  return brokerClient(config, async () => openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', name));
}

/** A broker client whose broker cannot be reached: its requests run in this process. */
export function unreachableClient(config: ManagerConfig): SharedManager {
  return brokerClient(config, () => Promise.reject(new Error('no broker here')));
}

/** Fresh runtime folders for a suite's tests; `cleanUpAll` (for `after`) cleans every one. */
export function runtimeDirs(): { fresh(): string; cleanUpAll(): Promise<void> } {
  const dirs: string[] = [];
  return {
    fresh: () => {
      const dir = runtimeDir();
      dirs.push(dir);
      return dir;
    },
    cleanUpAll: async () => {
      for (const dir of dirs.splice(0)) await cleanUp(dir);
    },
  };
}
