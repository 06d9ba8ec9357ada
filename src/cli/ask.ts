// `ask`: one request through the resilient client, from the command line.
//   ask [--base-url URL] [--model ID] [--fallback ID,ID] [--max-attempts N]
//       [--deadline-ms N] [--stream] [--json] [--broker] [--history FILE] PROMPT
// The key comes from ANTHROPIC_API_KEY and is never printed.
import * as path from 'node:path';
import type { ManagerConfig } from '../core/contract';
import type { Outcome } from '../core/types';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import type { SharedManager } from '../broker/client/sharedManager';
import { EXIT, UsageError, attemptsJson, errorJson, finish, keyFromEnv, openSession } from './cliSession';
import type { CliIo } from './cliSession';
import { HTTP_URL_RULE, httpUrlProblem } from '../shared/httpUrl';
import { CLI_CLIENT } from '../core/requestClient';

const DEFAULTS = defaultManagerConfig();

export const ASK_USAGE = `Usage: ask [options] PROMPT

Options:
  --base-url URL        API base URL (default: the SDK's, or ANTHROPIC_BASE_URL)
  --model ID            primary model (default: ${DEFAULTS.models[0]})
  --fallback ID,ID      fallback models, in order (default: ${DEFAULTS.models.slice(1).join(',')})
  --max-attempts N      attempts across all models (default: ${DEFAULTS.retry.maxAttempts})
  --deadline-ms N       give up after this many milliseconds (default: ${DEFAULTS.retry.deadlineMs})
  --max-tokens N        answer length cap (default: 1024)
  --breaker-open-seconds N  how long a tripped model is skipped before a probe (default: ${DEFAULTS.breaker.openMs / 1000})
  --broker              run on the user's shared broker (started if none runs): breakers,
                        budgets and history shared with the editor windows and other scripts
  --history FILE        record every attempt in this history file (with --broker, the broker writes it)
  --stream              print the answer as it arrives
  --json                print one JSON object with the outcome and every attempt
The API key is read from ANTHROPIC_API_KEY.
Exit status: 0 answered, 1 failed, 2 bad usage, 3 answer cut short.
`;

interface AskArgs {
  prompt: string;
  baseURL?: string;
  model?: string;
  fallback?: string[];
  maxAttempts?: number;
  deadlineMs?: number;
  maxTokens: number;
  stream: boolean;
  json: boolean;
  broker: boolean;
  history?: string;
  breakerOpenSeconds?: number;
}

function positiveInteger(flag: string, value: string | undefined): number {
  const parsed = Number(value);
  if (value === undefined || !Number.isInteger(parsed) || parsed < 1) {
    throw new UsageError(`${flag} needs a positive integer (got ${value === undefined ? 'nothing' : JSON.stringify(value)})`);
  }
  return parsed;
}

function parseArgs(argv: readonly string[]): AskArgs {
  const args: AskArgs = { prompt: '', maxTokens: 1024, stream: false, json: false, broker: false };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case '--base-url': {
        const url = value();
        const problem = httpUrlProblem(url ?? '');
        if (problem !== null) throw new UsageError(`--base-url needs ${HTTP_URL_RULE} (${problem})`);
        args.baseURL = url;
        break;
      }
      case '--model': {
        const model = value();
        if (!model) throw new UsageError('--model needs a model id');
        args.model = model;
        break;
      }
      case '--fallback': {
        const list = value();
        if (list === undefined) throw new UsageError('--fallback needs a comma-separated list of model ids');
        args.fallback = list.split(',').map((m) => m.trim()).filter((m) => m !== '');
        break;
      }
      case '--max-attempts':
        args.maxAttempts = positiveInteger(arg, value());
        break;
      case '--deadline-ms':
        args.deadlineMs = positiveInteger(arg, value());
        break;
      case '--max-tokens':
        args.maxTokens = positiveInteger(arg, value());
        break;
      case '--stream':
        args.stream = true;
        break;
      case '--json':
        args.json = true;
        break;
      case '--broker':
        args.broker = true;
        break;
      case '--history': {
        const file = value();
        if (!file) throw new UsageError('--history needs a file path');
        args.history = path.resolve(file);
        break;
      }
      case '--breaker-open-seconds':
        args.breakerOpenSeconds = positiveInteger(arg, value());
        break;
      case '--':
        words.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        words.push(arg);
    }
  }
  args.prompt = words.join(' ').trim();
  if (args.prompt === '') throw new UsageError('a PROMPT is required');
  return args;
}

function buildConfig(args: AskArgs, key: string | undefined, overrides: Partial<ManagerConfig> | undefined): { config: ManagerConfig; problems: string[] } {
  const defaults = defaultManagerConfig();
  const primary = args.model ?? defaults.models[0]!;
  const fallbacks = args.fallback ?? defaults.models.filter((m) => m !== primary);
  const { config, problems } = validateManagerConfig({
    ...overrides,
    models: [primary, ...fallbacks],
    retry: {
      ...defaults.retry,
      ...overrides?.retry,
      ...(args.maxAttempts !== undefined ? { maxAttempts: args.maxAttempts } : {}),
      ...(args.deadlineMs !== undefined ? { deadlineMs: args.deadlineMs } : {}),
    },
    ...(args.breakerOpenSeconds !== undefined
      ? { breaker: { ...defaults.breaker, ...overrides?.breaker, openMs: args.breakerOpenSeconds * 1000, maxOpenMs: Math.max(defaults.breaker.maxOpenMs, args.breakerOpenSeconds * 1000) } }
      : {}),
    providers: [
      {
        id: 'anthropic',
        ...(args.baseURL ? { baseURL: args.baseURL } : {}),
        apiKey: () => key,
      },
    ],
  });
  return { config, problems: problems.map((p) => p.message) };
}

function jsonOutcome(outcome: Outcome, shared: SharedManager | null): string {
  const broker = shared === null ? {} : { broker: shared.sharing.mode === 'shared' ? { mode: 'shared', pid: shared.sharing.brokerPid } : { mode: shared.sharing.mode } };
  const attempts = attemptsJson(outcome);
  if (outcome.ok) {
    return JSON.stringify({ ok: true, text: outcome.text, model: outcome.model, incomplete: outcome.incomplete, attempts, ...broker });
  }
  return JSON.stringify({ ok: false, text: outcome.text, model: null, attempts, error: errorJson(outcome), ...broker });
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

export async function runAsk(argv: string[], io: CliIo = processIo): Promise<number> {
  let args: AskArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`ask: ${error.message}\n${ASK_USAGE}`);
    return EXIT.usage;
  }
  const printers = keyFromEnv('ask', io);
  if (!printers) return EXIT.usage;
  const { key, out, err } = printers;
  const { config, problems } = buildConfig(args, key, io.configOverrides);
  if (!args.json) for (const problem of problems) err(`Warning: ${problem}\n`);
  const session = await openSession(config, { broker: args.broker, historyFile: args.history ?? null, quiet: args.json, env: io.env, err });
  const { manager, signal, onEvent } = session;
  const options = { signal, onEvent, client: CLI_CLIENT };
  try {
    const request = { messages: [{ role: 'user' as const, content: args.prompt }], max_tokens: args.maxTokens };
    let outcome: Outcome;
    if (args.stream && !args.json) {
      const stream = manager.stream(request, options);
      for await (const delta of stream) out(delta);
      outcome = await stream.outcome;
      if (outcome.ok || outcome.text !== '') out('\n');
    } else {
      outcome = args.stream ? await drain(manager.stream(request, options)) : await manager.send(request, options);
      if (!args.json && outcome.ok) out(`${outcome.text}\n`);
    }
    if (args.json) out(`${jsonOutcome(outcome, session.shared)}\n`);
    return finish(outcome, args.json, err);
  } finally {
    await session.close();
  }
}

async function drain(stream: AsyncIterable<string> & { outcome: Promise<Outcome> }): Promise<Outcome> {
  for await (const delta of stream) void delta;
  return stream.outcome;
}
