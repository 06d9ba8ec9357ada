// Child processes started in their own process group, so stopping one stops everything it spawned
// (code-server forks its extension hosts and file watchers).
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { sleep } from './time';

export interface GroupProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the leader has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once every member has exited. Safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_OUTPUT_CHARS = 2_000_000;

/** Groups still running; killed when this process exits, even if a test never reached its finally block. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions): GroupProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) {
    installExitHook();
    liveGroups.add(child.pid);
  }
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > MAX_OUTPUT_CHARS) output = output.slice(-MAX_OUTPUT_CHARS / 2);
    if (process.env.RC_E2E_VERBOSE === '1') process.stderr.write(chunk);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      output += `\n${command} could not start: ${error.message}\n`;
      resolveExit('spawn-error');
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      const pid = child.pid;
      if (pid === undefined) return;
      signalGroup(pid, 'SIGTERM');
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref()),
      ]);
      // Children of the leader may outlive it; the group id stays valid while any member lives.
      signalGroup(pid, 'SIGKILL');
      if (timedOut) await Promise.race([exited, sleep(2000)]);
      // Not done until the last member has gone: a folder removed while one still writes into it breaks the next step.
      await waitUntilGone(() => groupMembers(pid), GONE_TIMEOUT_MS);
      liveGroups.delete(pid);
    })();
    return stopping;
  };
  return { child, output: () => output, exited, stop };
}

/** How long teardown waits for killed processes to disappear before it goes on regardless. */
const GONE_TIMEOUT_MS = 15_000;

interface ProcessEntry {
  readonly pid: number;
  readonly pgrp: number;
}

/** Live (not zombie) processes from /proc; null where /proc is not there. */
function liveProcesses(): ProcessEntry[] | null {
  if (!existsSync('/proc/self/stat')) return null;
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && state !== 'X') entries.push({ pid: Number(name), pgrp: Number(pgrp) });
    } catch {
      // Gone meanwhile.
    }
  }
  return entries;
}

/** The live members of process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const all = liveProcesses();
  if (all === null) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return all.filter((p) => p.pgrp === pgid).map((p) => p.pid);
}

/**
 * Live processes (other than this one) that work in `dir` or were given a path inside it in
 * their environment — code-server's detached helpers and the brokers its extension hosts start.
 */
export function processesUsing(dir: string): number[] {
  const all = liveProcesses() ?? [];
  return all
    .filter(({ pid }) => {
      if (pid === process.pid) return false;
      try {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        if (cwd === dir || cwd.startsWith(`${dir}/`)) return true;
        return readFileSync(`/proc/${pid}/environ`, 'utf8')
          .split('\0')
          .some((entry) => entry.includes(`=${dir}/`) || entry.endsWith(`=${dir}`));
      } catch {
        return false; // Gone meanwhile, or not ours.
      }
    })
    .map((p) => p.pid);
}

/** SIGTERM to every process using `dir`, SIGKILL after `graceMs`; resolves once none is left (or after a bound). */
export async function stopProcessesUsing(dir: string, graceMs = 3000): Promise<void> {
  const signalAll = (signal: NodeJS.Signals): void => {
    for (const pid of processesUsing(dir)) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone already.
      }
    }
  };
  if (processesUsing(dir).length === 0) return;
  signalAll('SIGTERM');
  await waitUntilGone(() => processesUsing(dir), graceMs);
  signalAll('SIGKILL');
  await waitUntilGone(() => processesUsing(dir), GONE_TIMEOUT_MS);
}

async function waitUntilGone(members: () => readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (members().length > 0 && Date.now() < deadline) await sleep(100);
}

/** Removes a folder tree; retried briefly where a file system still settles (ENOTEMPTY, EBUSY). */
export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
