// Parent side of a client worker: forks bench/lib/worker.ts under tsx and runs commands.
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { RunCommand, RunResult, WarmupCommand, Warmed, WorkerCommand, WorkerReply } from './protocol';

export interface ClientWorker {
  run(command: RunCommand, timeoutMs: number): Promise<RunResult>;
  warmup(command: WarmupCommand, timeoutMs: number): Promise<Warmed>;
  stop(): Promise<void>;
}

export function startClientWorker(): ClientWorker {
  const child: ChildProcess = fork(resolve(__dirname, 'worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const request = <T extends WorkerReply>(command: WorkerCommand, expected: T['type'], timeoutMs: number): Promise<T> =>
    new Promise((done, fail) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: WorkerReply): void => {
        cleanup();
        if (message.type === 'failure') fail(new Error(message.message));
        else if (message.type === expected) done(message as T);
        else fail(new Error(`Unexpected reply ${message.type} from the ${command.client} worker.`));
      };
      const onExit = (code: number | null): void => {
        cleanup();
        fail(new Error(`The ${command.client} worker exited (${code ?? 'signal'}).`));
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`The ${command.client} worker did not finish within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(command);
    });
  return {
    run: (command, timeoutMs) => request<RunResult>(command, 'result', timeoutMs),
    warmup: (command, timeoutMs) => request<Warmed>(command, 'warmed', timeoutMs),
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill();
      }),
  };
}
