// The broker as a process: `node dist/broker.js` (started detached by the first window or CLI
// that finds none) or `node dist/cli.js broker` in the foreground. Logs go to stderr (a started
// broker's stderr is the log file in its runtime folder); exit status 0 also when another broker
// already runs.
import { scrubOwnEnvironment } from './brokerEnvironment';
import { DEFAULT_IDLE_EXIT_MS, IDLE_EXIT_ENV, startBroker } from './brokerServer';
import { runtimeDirPath } from './runtimeDir';

export async function runBrokerProcess(env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const log = (message: string): void => {
    process.stderr.write(`${new Date().toISOString()} [broker ${process.pid}] ${message}\n`);
  };
  // Whoever started this process, its credentials are not the broker's to use (a foreground
  // `broker` keeps its shell's variables otherwise).
  const runtimeDir = runtimeDirPath(env);
  scrubOwnEnvironment();
  const idle = Number(env[IDLE_EXIT_ENV]);
  const broker = await startBroker({
    runtimeDir,
    idleExitMs: Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_IDLE_EXIT_MS,
    log,
  });
  if (!broker) return 0;
  const onSignal = (signal: string) => () => void broker.stop(`received ${signal}`);
  process.once('SIGTERM', onSignal('SIGTERM'));
  process.once('SIGINT', onSignal('SIGINT'));
  // A client's own process may end abruptly; the broker only ever notices a closed socket.
  process.on('SIGPIPE', () => undefined);
  await broker.stopped;
  return 0;
}
