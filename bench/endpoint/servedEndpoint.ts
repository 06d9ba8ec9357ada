// `node dist/cli.js serve` as its own process, as a user runs it (in a private runtime folder,
// so it is nobody's broker): where the endpoint's own cost is measured, so the endpoint does not
// share an event loop with the client that measures it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServedEndpoint {
  readonly url: string;
  /** The serve process (its CPU can be read from /proc). */
  readonly pid: number | null;
  close(): Promise<void>;
}

/** null when dist/cli.js is not built. `nodeArgs`: options for node itself (e.g. --cpu-prof). */
export async function startServedEndpoint(root: string, upstream: string, models: readonly string[], nodeArgs: readonly string[] = []): Promise<ServedEndpoint | null> {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) return null;
  const runtimeDir = mkdtempSync(join(tmpdir(), 'rc-bench-serve-'));
  const env: NodeJS.ProcessEnv = { ...process.env, RESILIENT_CLAUDE_RUNTIME_DIR: runtimeDir };
  delete env['ANTHROPIC_API_KEY'];
  delete env['ANTHROPIC_BASE_URL'];
  const child = spawn(process.execPath, [...nodeArgs, cli, 'serve', '--port', '0', '--base-url', upstream, '--models', models.join(',')], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(runtimeDir, { recursive: true, force: true });
  };
  let out = '';
  const url = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /^Listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => resolve(null));
  });
  if (url === null) {
    await close();
    throw new Error(`serve did not print "Listening on …" (first output: ${JSON.stringify(out.slice(0, 200))})`);
  }
  return { url, pid: child.pid ?? null, close };
}
