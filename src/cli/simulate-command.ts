// `resilient-claude simulate`: runs the simulator in the foreground until
// interrupted, printing the URL to point a client at.
import { startSimulator } from '../simulator/index';
import { ScenarioError } from '../simulator/index';

const USAGE = 'Usage: simulate --scenario NAME|FILE [--port N] [--host H] [--api-key KEY] [--time-scale X] [--control-routes]';

interface SimulateArgs {
  scenario: string;
  port: number;
  host: string;
  apiKey: string | undefined;
  timeScale: number;
  /** Serve the /_sim/* test hooks (stats, reset, scenario switch). */
  controlRoutes: boolean;
}

function parseSimulateArgs(argv: string[]): SimulateArgs | string {
  const args: SimulateArgs = { scenario: 'healthy', port: 0, host: '127.0.0.1', apiKey: undefined, timeScale: 1, controlRoutes: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inlineValue] = flag.startsWith('--') && flag.includes('=') ? flag.split(/=(.*)/s, 2) : [flag, undefined];
    const value = (): string | undefined => inlineValue ?? argv[++i];
    switch (name) {
      case '--scenario': {
        const v = value();
        if (!v) return '--scenario needs a name or a file path';
        args.scenario = v;
        break;
      }
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!v || !Number.isInteger(port) || port < 0 || port > 65535) return `--port must be an integer between 0 and 65535, got ${JSON.stringify(v ?? '')}`;
        args.port = port;
        break;
      }
      case '--host': {
        const v = value();
        if (!v) return '--host needs a value';
        args.host = v;
        break;
      }
      case '--api-key': {
        const v = value();
        if (!v) return '--api-key needs a value';
        args.apiKey = v;
        break;
      }
      case '--time-scale': {
        const v = value();
        const scale = Number(v);
        if (!v || !Number.isFinite(scale) || scale <= 0) return `--time-scale must be a number > 0, got ${JSON.stringify(v ?? '')}`;
        args.timeScale = scale;
        break;
      }
      case '--control-routes':
        args.controlRoutes = true;
        break;
      case '--help':
      case '-h':
        return USAGE;
      default:
        return `unknown option ${JSON.stringify(name)}`;
    }
  }
  return args;
}

export async function runSimulate(argv: string[]): Promise<number> {
  const args = parseSimulateArgs(argv);
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n${args === USAGE ? '' : USAGE + '\n'}`);
    return args === USAGE ? 0 : 2;
  }
  let simulator;
  try {
    simulator = await startSimulator({
      scenario: args.scenario,
      port: args.port,
      host: args.host,
      apiKey: args.apiKey,
      timeScale: args.timeScale,
      controlRoutes: args.controlRoutes,
    });
  } catch (err) {
    const reason = err instanceof ScenarioError ? `invalid scenario: ${err.message}` : `cannot start: ${(err as Error).message}`;
    process.stderr.write(`simulate: ${reason}\n`);
    return 1;
  }
  process.stdout.write(`Simulator listening on ${simulator.url}\n`);
  const running = simulator;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
