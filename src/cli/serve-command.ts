// `serve`: the local endpoint in the foreground — an Anthropic-compatible HTTP server on
// 127.0.0.1 that any Claude client can use as its ANTHROPIC_BASE_URL. It is the user's broker
// too when none runs yet (windows that start later share its breakers and budgets, and are given
// this endpoint when they want one: token requests are then served with ANTHROPIC_API_KEY from
// this command's environment, else with a window's stored key); when a broker already runs it
// keeps its own route state and says so. Prints
// `Listening on http://127.0.0.1:PORT` as its first line of standard output.
import { startBroker } from '../broker/brokerServer';
import { ensureEndpointToken, endpointTokenPath } from '../broker/endpoint/endpointToken';
import { startEndpoint } from '../broker/endpoint/endpointServer';
import { ensurePrivateRuntimeDir, runtimeDirPath } from '../broker/runtimeDir';
import type { ProviderConfig } from '../core/contract';
import { defaultManagerConfig, DEFAULT_MODELS, validateManagerConfig } from '../core/defaults';
import { registerSecrets } from '../core/secretRegistry';
import { createRequestManager } from '../core/requestManager';
import { createSharedRoutes } from '../core/sharedRoutes';
import { redactSecrets } from '../core/redact';
import { MODEL_ID_PATTERN } from '../shared/vocabulary';
import { HTTP_URL_RULE, httpUrlProblem } from '../shared/httpUrl';

export const SERVE_USAGE = `Usage: serve [--port N] [--base-url URL] [--models a,b,c]

Runs the local endpoint in the foreground: an Anthropic-compatible API on 127.0.0.1 for every
Claude client (Claude Code, SDK scripts, curl), with fallback, breakers and retry budgets shared
by all of them. Point a client at it with ANTHROPIC_BASE_URL=http://127.0.0.1:PORT.

Options:
  --port N         port on 127.0.0.1 (default 0: a free port, printed on the first line)
  --base-url URL   the upstream API (default https://api.anthropic.com)
  --models a,b,c   the chain of models: a request for one of them falls back to those after it
                   (default ${DEFAULT_MODELS.join(',')})

A client's own key (x-api-key) or login (Authorization: Bearer) is used for its requests only.
A client that sends the endpoint's token (in the file printed at start, mode 0600) is served
with ANTHROPIC_API_KEY from this command's environment; without one, when serve is the user's
broker, with the key a VS Code window that wants the local endpoint sent (the latest such
window's, kept in memory only). With neither, and for anything else, the answer is 401.
`;

const NEVER_IDLE_MS = 2_147_483_647;

interface ServeArgs {
  port: number;
  baseUrl: string;
  models: string[];
}

class ServeUsageError extends Error {}

function parseServeArgs(argv: readonly string[]): ServeArgs {
  const args: ServeArgs = { port: 0, baseUrl: 'https://api.anthropic.com', models: [...DEFAULT_MODELS] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new ServeUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--port') {
      const text = value();
      const port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) throw new ServeUsageError(`--port needs a number from 0 to 65535 (got ${JSON.stringify(text)})`);
      args.port = port;
    } else if (arg === '--base-url') {
      const url = value();
      const problem = httpUrlProblem(url);
      if (problem !== null) throw new ServeUsageError(`--base-url needs ${HTTP_URL_RULE} (${problem})`);
      args.baseUrl = url;
    } else if (arg === '--models') {
      const models = value().split(',').map((m) => m.trim()).filter((m) => m !== '');
      const bad = models.find((m) => !MODEL_ID_PATTERN.test(m));
      if (models.length === 0 || bad !== undefined) throw new ServeUsageError(`--models needs model ids separated by commas${bad !== undefined ? ` (not a model id: ${JSON.stringify(bad)})` : ''}`);
      args.models = models;
    } else {
      throw new ServeUsageError(`unknown option ${arg}`);
    }
  }
  return args;
}

/** True when `baseUrl` is this very endpoint (a loop). */
function pointsAtItself(baseUrl: string, port: number): boolean {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  const target = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return loopback && target === port;
}

export async function runServe(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(SERVE_USAGE);
    return 0;
  }
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (error) {
    if (!(error instanceof ServeUsageError)) throw error;
    process.stderr.write(`serve: ${error.message}\n${SERVE_USAGE}`);
    return 2;
  }
  const key = env['ANTHROPIC_API_KEY']?.trim() || undefined;
  registerSecrets(key);
  const log = (message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${redactSecrets(message, key ? [key] : [])}\n`);
  };
  const dir = ensurePrivateRuntimeDir(runtimeDirPath(env), env);
  const token = ensureEndpointToken(dir);
  registerSecrets(token);
  const { config, problems } = validateManagerConfig({ ...defaultManagerConfig(), models: args.models });
  for (const problem of problems) log(`Warning: ${problem.message}`);
  // Windows that ask for the endpoint before it listens wait for it (they are given this one).
  const broker = await startBroker({ runtimeDir: dir.path, idleExitMs: NEVER_IDLE_MS, log, ownEndpoint: true });
  if (!broker) log('Another broker already serves this user: this endpoint keeps its own breakers and budgets.');
  const shared = broker?.shared ?? createSharedRoutes(config);
  const userProviders: readonly ProviderConfig[] | null = key ? [{ id: 'anthropic', baseURL: args.baseUrl, apiKey: () => key }] : null;
  // As the broker, the windows' own credentials serve token requests when this command has none.
  const hooks = broker?.endpoint.windowHooks();
  let endpoint;
  try {
    endpoint = await startEndpoint({
      ...hooks,
      port: args.port,
      token,
      createManager: (managerConfig) => createRequestManager(managerConfig, shared),
      base: () => config,
      models: () => config.models,
      upstreamBaseUrl: () => args.baseUrl,
      userProviders: () => userProviders ?? hooks?.userProviders() ?? null,
      log,
    });
  } catch (error) {
    await broker?.stop('the endpoint could not start');
    process.stderr.write(`serve: cannot listen on 127.0.0.1:${args.port} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
    return 1;
  }
  if (pointsAtItself(args.baseUrl, endpoint.port)) {
    await endpoint.close();
    await broker?.stop('the endpoint would call itself');
    process.stderr.write(`serve: --base-url ${args.baseUrl} is this endpoint itself; give the upstream API's URL.\n`);
    return 2;
  }
  await broker?.endpoint.adopt(endpoint);
  process.stdout.write(`Listening on ${endpoint.url}\n`);
  log(`Chain: ${config.models.join(' → ')}; upstream ${new URL(args.baseUrl).host}.`);
  log(`For Claude Code: export ANTHROPIC_BASE_URL=${endpoint.url}`);
  log(`Own key or login: used as it is. The stored key${key ? '' : ' (none: ANTHROPIC_API_KEY was not set)'}: export ANTHROPIC_API_KEY=$(cat ${endpointTokenPath(dir)})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  // The windows are told first (no window is given a closed endpoint meanwhile); the port comes
  // free at once for the broker they start next, which serves at this URL (remembered at adopt).
  const brokerStopped = broker?.stop('serve stopped');
  await endpoint.close();
  await brokerStopped;
  return 0;
}
