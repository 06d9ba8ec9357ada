// `ask`: one request through the resilient client, from the command line.
//   ask [--base-url URL] [--model ID] [--fallback ID,ID] [--max-attempts N]
//       [--deadline-ms N] [--stream] [--json] [--broker] [--history FILE] PROMPT
// The key comes from ANTHROPIC_API_KEY and is never printed.
import * as path from 'node:path';
import type { ManagerConfig, RequestManager } from '../core/contract';
import type { ManagerEvent, Outcome } from '../core/types';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import { createRequestManager } from '../core/requestManager';
import { describeClass } from '../core/classify';
import { redactSecrets } from '../core/redact';
import { createFileHistoryStorage } from '../core/history/fileHistoryStorage';
import { createHistory } from '../core/history/createHistory';
import type { History } from '../core/history/historyTypes';
import { createBrokerClient } from './broker-client';
import type { SharedManager } from '../broker/client/sharedManager';

export const ASK_USAGE = `Usage: ask [options] PROMPT

Options:
  --base-url URL        API base URL (default: the SDK's, or ANTHROPIC_BASE_URL)
  --model ID            primary model (default: claude-opus-5-5)
  --fallback ID,ID      fallback models, in order (default: claude-sonnet-5-5,claude-haiku-5-5)
  --max-attempts N      attempts across all models (default: 6)
  --deadline-ms N       give up after this many milliseconds (default: 120000)
  --max-tokens N        answer length cap (default: 1024)
  --breaker-open-seconds N  how long a tripped model is skipped before a probe (default: 2)
  --broker              run on the user's shared broker (started if none runs): breakers,
                        budgets and history shared with the editor windows and other scripts
  --history FILE        record every attempt in this history file (with --broker, the broker writes it)
  --stream              print the answer as it arrives
  --json                print one JSON object with the outcome and every attempt
The API key is read from ANTHROPIC_API_KEY.
Exit status: 0 answered, 1 failed, 2 bad usage, 3 answer cut short.
`;

export interface AskIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra configuration for tests (timeouts, backoff). */
  readonly configOverrides?: Partial<ManagerConfig>;
}

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

class UsageError extends Error {}

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
        if (!url || !/^https?:\/\//.test(url)) throw new UsageError(`--base-url needs an http(s) URL (got ${JSON.stringify(url ?? '')})`);
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

function progressLine(event: ManagerEvent): string | null {
  switch (event.type) {
    case 'wait':
      return `${describeClass(event.reason)} — retrying in ${formatSeconds(event.delayMs)} (attempt ${event.nextAttempt})`;
    case 'fallback':
      return `Falling back from ${event.from.model} to ${event.to.model} (${event.reason.replace('_', ' ')})`;
    case 'warning':
      return `Warning: ${event.message}`;
    case 'breaker':
      return event.to === 'open' ? `Circuit opened for ${event.model}` : null;
    default:
      return null;
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function jsonOutcome(outcome: Outcome, shared: SharedManager | null): string {
  const broker = shared === null ? {} : { broker: shared.sharing.mode === 'shared' ? { mode: 'shared', pid: shared.sharing.brokerPid } : { mode: shared.sharing.mode } };
  const attempts = outcome.attempts.map((a) => ({
    model: a.model,
    status: a.status,
    errorClass: a.errorClass,
    requestId: a.requestId,
    clientRequestId: a.clientRequestId,
    latencyMs: a.latencyMs,
  }));
  if (outcome.ok) {
    return JSON.stringify({ ok: true, text: outcome.text, model: outcome.model, incomplete: outcome.incomplete, attempts, ...broker });
  }
  return JSON.stringify({
    ok: false,
    text: outcome.text,
    model: null,
    attempts,
    error: { class: outcome.error.class, message: outcome.error.message, requestIds: outcome.error.requestIds },
    ...broker,
  });
}

const processIo: AskIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

export async function runAsk(argv: string[], io: AskIo = processIo): Promise<number> {
  let args: AskArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`ask: ${error.message}\n${ASK_USAGE}`);
    return 2;
  }
  const key = io.env['ANTHROPIC_API_KEY'];
  const secrets = key ? [key] : [];
  const out = (text: string): void => io.stdout(redactSecrets(text, secrets));
  const err = (text: string): void => io.stderr(redactSecrets(text, secrets));
  if (!key) {
    err('ask: ANTHROPIC_API_KEY is not set\n');
    return 2;
  }
  const { config, problems } = buildConfig(args, key, io.configOverrides);
  if (!args.json) for (const problem of problems) err(`Warning: ${problem}\n`);

  const shared = args.broker ? createBrokerClient(config, { env: io.env, historyFile: args.history ?? null, log: (line) => err(`${line}\n`) }) : null;
  const manager: RequestManager = shared ?? createRequestManager(config);
  // Without the broker, this process writes the history itself (alongside any other writer).
  const history: History | null = !shared && args.history ? createHistory({ storage: createFileHistoryStorage(args.history) }) : null;
  if (history) {
    void history.load();
    manager.onEvent((event) => history.record(event));
  }
  if (shared) await shared.whenReady();
  if (!args.json) {
    manager.onEvent((event) => {
      const line = progressLine(event);
      if (line) err(`${line}\n`);
    });
  }
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const request = { messages: [{ role: 'user' as const, content: args.prompt }], max_tokens: args.maxTokens };
    let outcome: Outcome;
    if (args.stream && !args.json) {
      const stream = manager.stream(request, { signal: controller.signal });
      for await (const delta of stream) out(delta);
      outcome = await stream.outcome;
      if (outcome.ok || outcome.text !== '') out('\n');
    } else {
      outcome = args.stream ? await drain(manager.stream(request, { signal: controller.signal })) : await manager.send(request, { signal: controller.signal });
      if (!args.json && outcome.ok) out(`${outcome.text}\n`);
    }
    if (args.json) out(`${jsonOutcome(outcome, shared)}\n`);
    if (!outcome.ok) {
      if (!args.json) {
        err(`Error (${outcome.error.class}): ${outcome.error.message}\n`);
        if (outcome.error.requestIds.length > 0) err(`Request ids: ${outcome.error.requestIds.join(', ')}\n`);
      }
      return 1;
    }
    if (outcome.incomplete) {
      if (!args.json) err('Warning: the answer was cut short and could not be continued.\n');
      return 3;
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    manager.dispose();
    await history?.dispose();
  }
}

async function drain(stream: AsyncIterable<string> & { outcome: Promise<Outcome> }): Promise<Outcome> {
  for await (const delta of stream) void delta;
  return stream.outcome;
}
