// Runs `node dist/cli.js …` with a body on stdin and the test key in a bare environment; resolves
// with its exit status and what it printed. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `env` adds to the bare environment (a runtime folder for --broker, say). */
export async function runCli(args: readonly string[], stdin: string, key: string, env: Readonly<Record<string, string>> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'], ...env, ANTHROPIC_API_KEY: key }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.end(stdin);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, out, err };
}
