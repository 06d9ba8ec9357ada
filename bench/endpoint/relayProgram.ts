// A relay program of ours in its own process (a TypeScript file run under tsx), given the upstream
// URL and its other arguments, found by the `Listening on URL` line it prints as `serve` does.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface RelayProgram {
  readonly url: string;
  readonly pid: number | null;
  close(): Promise<void>;
}

export async function startRelayProgram(file: string, upstream: string, args: readonly string[] = []): Promise<RelayProgram> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(file), upstream, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((found, failed) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) found(match[1]!);
    });
    void exited.then(() => failed(new Error(`${file} exited before listening`)));
  });
  return {
    url,
    pid: child.pid ?? null,
    close: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
