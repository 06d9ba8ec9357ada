// Runs a command in its own process group with its output streamed through (unless `echo` is
// false) and its stdout captured; the whole group is killed if it outlives `timeoutMs`.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MINUTE = 60_000;

/** Resolves with the exit code (124 after a timeout) and the captured stdout. */
export function runStreaming(command, args, { timeoutMs, env = {}, echo = true }) {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString('utf8');
      if (echo) process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      if (echo) process.stderr.write(chunk);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\n[test-all] ${command} ${args.join(' ')} exceeded ${timeoutMs / MINUTE} min; stopping it\n`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.once('error', (error) => {
      process.stderr.write(`[test-all] ${command} could not start: ${error.message}\n`);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code: timedOut ? 124 : (code ?? (signal ? 128 : 1)), stdout });
    });
  });
}
