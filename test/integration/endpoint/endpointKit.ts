// Shared setup for the endpoint's integration tests: the simulator on loopback (in this process,
// so its counts can be read), and `node dist/cli.js serve` as its own process in a private
// runtime folder, as a user runs it — clients then talk to it over real HTTP.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunningSimulator, Scenario } from '../../../src/simulator/index';
import { startSimulator } from '../../../src/simulator/index';
import { TEST_KEY, testConfig } from '../core/harness';
import { startEndpoint } from '../../../src/broker/endpoint/endpointServer';
import type { EndpointOptions, RunningEndpoint } from '../../../src/broker/endpoint/endpointServer';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerConfig, RequestManager } from '../../../src/core/contract';
import { recordedSimulator } from '../../support/recordedSimulator';
import type { RecordingProxy } from '../../support/recordingProxy';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const OPUS = 'claude-opus-5-5';
export const SONNET = 'claude-sonnet-5-5';
export const HAIKU = 'claude-haiku-5-5';
export const CHAIN = [OPUS, SONNET, HAIKU];
export { TEST_KEY };

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build first.');
}

export function scenario(models: Scenario['models'], defaults: Scenario['defaults'] = {}): Scenario {
  return { name: 'endpoint', seed: 1, defaults: { latencyMs: 2, ttftMs: 1, tokensPerSecond: 50_000, outputTokens: 12, ...defaults }, models } as Scenario;
}

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly runtimeDir: string;
  readonly child: ChildProcess;
  /** What `serve` wrote on stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** The endpoint's token (read from its 0600 file). */
  token(): string;
  /** Requests the endpoint logged for POST /v1/messages (one line each, whatever the outcome),
   *  once at least `atLeast` are logged (the line follows the response by a moment) or 5 s passed. */
  messageLines(atLeast?: number): Promise<string[]>;
  stop(): Promise<number | null>;
}

/** Starts `serve` (child process) against `upstream`; resolves once it printed its first line. */
export async function serve(upstream: string, options: { readonly key?: string; readonly models?: readonly string[]; readonly extraArgs?: readonly string[] } = {}): Promise<Served> {
  const runtimeDir = mkdtempSync(path.join(tmpdir(), 'rc-endpoint-'));
  chmodSync(runtimeDir, 0o700);
  const env: NodeJS.ProcessEnv = { ...process.env, RESILIENT_CLAUDE_RUNTIME_DIR: runtimeDir };
  delete env['ANTHROPIC_API_KEY'];
  delete env['ANTHROPIC_BASE_URL'];
  if (options.key !== undefined) env['ANTHROPIC_API_KEY'] = options.key;
  const args = [CLI, 'serve', '--port', '0', '--base-url', upstream, '--models', (options.models ?? CHAIN).join(','), ...(options.extraArgs ?? [])];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let notListening: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    new Promise<string>((resolve) => {
      const check = (): void => {
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n') && line !== undefined) resolve(line);
        else child.stdout!.once('data', check);
      };
      check();
    }),
    exited.then((code) => {
      throw new Error(`serve exited (${code}) before listening.\nstderr: ${stderr}`);
    }),
    new Promise<never>((_, reject) => {
      notListening = setTimeout(() => reject(new Error(`serve did not listen within 30 s.\nstderr: ${stderr}`)), 30_000);
    }),
  ]).finally(() => clearTimeout(notListening));
  const match = /^Listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
  if (!match) throw new Error(`serve's first line is not "Listening on …": ${JSON.stringify(first)}`);
  return {
    url: match[1]!,
    port: Number(match[2]),
    runtimeDir,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    token: () => readFileSync(path.join(runtimeDir, 'endpoint-token'), 'utf8').trim(),
    messageLines: async (atLeast = 1) => {
      const lines = (): string[] => stderr.split('\n').filter((line) => line.includes('POST /v1/messages'));
      const until = Date.now() + 5_000;
      while (lines().length < atLeast && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
      // A line for a request answered just before is not later than this.
      await new Promise((resolve) => setTimeout(resolve, 150));
      return lines();
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(runtimeDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Who `serve` is for: its own key (else none), its chain (else CHAIN). */
export interface RigOptions {
  readonly key?: string;
  readonly models?: readonly string[];
}

export interface Rig {
  readonly sim: RunningSimulator;
  readonly served: Served;
  close(): Promise<void>;
}

/** The simulator (checking `TEST_KEY`) and `serve` in front of it. */
export async function rig(s: Scenario, options: RigOptions = {}): Promise<Rig> {
  requireBuild();
  const sim = await startSimulator({ scenario: s, apiKey: TEST_KEY });
  return servedBy({ sim, close: () => sim.close() }, sim.url, options);
}

export interface RecordedRig extends Rig {
  /** Between `serve` and the simulator: what reached the API and what it answered. */
  readonly proxy: RecordingProxy;
}

/** The simulator (checking `TEST_KEY`), a recording proxy in front of it, and `serve` in front of that. */
export async function recordedRig(s: Scenario): Promise<RecordedRig> {
  requireBuild();
  const upstream = await recordedSimulator(s, TEST_KEY);
  return servedBy(upstream, upstream.proxy.url);
}

/** `serve` in front of `url` (where `upstream` listens); closing stops serve, then the upstream. */
async function servedBy<U extends { close(): Promise<void> }>(upstream: U, url: string, options: RigOptions = {}): Promise<Omit<U, 'close'> & { readonly served: Served; close(): Promise<void> }> {
  try {
    const served = await serve(url, options);
    return {
      ...upstream,
      served,
      close: async () => {
        await served.stop();
        await upstream.close();
      },
    };
  } catch (error) {
    await upstream.close();
    throw error;
  }
}

/** An error body as the API sends it. */
export interface ApiBody {
  readonly type: string;
  readonly error: { readonly type: string; readonly message: string };
  readonly request_id: string;
}

export const ASK = { messages: [{ role: 'user' as const, content: 'Why do breakers open?' }], max_tokens: 256 };

/** An endpoint in this process for clients with their own key, in front of `upstream` (chain CHAIN, no stored credential). */
export function ownKeyEndpoint(upstream: string, extra: Partial<EndpointOptions> = {}): Promise<RunningEndpoint> {
  const config = testConfig(upstream, { models: CHAIN });
  return startEndpoint({
    port: 0,
    token: 'endpoint-token-for-own-key-clients-0123',
    createManager: (managerConfig) => createRequestManager(managerConfig),
    base: () => config,
    models: () => CHAIN,
    upstreamBaseUrl: () => upstream,
    userProviders: () => null,
    log: () => undefined,
    ...extra,
  });
}

/** An own-key endpoint in front of `upstream` whose managers `makeManager` makes (a window's broker
 *  client, say), with the managers it made. */
export async function endpointOn<M extends RequestManager>(upstream: string, makeManager: (config: ManagerConfig) => M): Promise<{ readonly endpoint: RunningEndpoint; readonly made: readonly M[] }> {
  const made: M[] = [];
  const endpoint = await ownKeyEndpoint(upstream, {
    createManager: (config) => {
      const manager = makeManager(config);
      made.push(manager);
      return manager;
    },
  });
  return { endpoint, made };
}
