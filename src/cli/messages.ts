// `messages`: a whole Messages API body (JSON on stdin) through the resilient client.
//   messages [--base-url URL] [--json] [--stream | --events | --count-tokens] [--beta NAME]… [--broker] < body.json
// The body is the Messages API body without `stream` (the manager owns it), sent as it is
// (fields this code does not know included); `model` is optional and, when given, is tried first before the configured fallbacks. Prints the
// assembled Message (content blocks, stop_reason, usage). The key comes from
// ANTHROPIC_API_KEY and is never printed.
import type { AnswerEvent, MessagesBody, Outcome, PassHeaders, RelayStream, RequestStream, StreamPart } from '../core/types';
import type { RelayManager, RequestManager } from '../core/contract';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import { EXIT, UsageError, attemptsJson, errorJson, finish, keyFromEnv, openSession } from './cliSession';
import { printCount } from './messagesCount';
import type { CliIo } from './cliSession';
import { HTTP_URL_RULE, httpUrlProblem } from '../shared/httpUrl';
import { CLI_CLIENT } from '../core/requestClient';

export const MESSAGES_USAGE = `Usage: messages [options] < body.json

Reads a Messages API request body (JSON) from stdin and sends it through the resilient client.

Options:
  --base-url URL   API base URL (default: the SDK's, or ANTHROPIC_BASE_URL)
  --stream         print text as it arrives (tool calls as one line each), then nothing else
  --events         print the answer's events as they arrive, one JSON object a line: the API's own
                   events unchanged, and the manager's notices as {"manager": {type, message, error?}}
  --count-tokens   count the body's input tokens (POST /v1/messages/count_tokens, no max_tokens needed)
                   and print the API's answer; with --json: { ok, answer, model, attempts, error? }
  --json           print one JSON object: { ok, message, model, attempts, error? } (last, after --events)
  --beta NAME      send anthropic-beta NAME (repeatable; the names are joined with commas)
  --anthropic-version V   send anthropic-version V (default: the SDK's)
  --broker         run on the user's shared broker (started if none runs), with the editor's breakers
Without --json the assembled Message is printed as JSON.
The API key is read from ANTHROPIC_API_KEY.
Exit status: 0 answered, 1 failed, 2 bad usage or body, 3 answer cut short.
`;

export interface MessagesIo extends CliIo {
  /** The whole of stdin. */
  readonly readStdin: () => Promise<string>;
}

interface MessagesArgs {
  baseURL?: string;
  stream: boolean;
  events: boolean;
  json: boolean;
  broker: boolean;
  count: boolean;
  betas: string[];
  version?: string;
}

function parseArgs(argv: readonly string[]): MessagesArgs {
  const args: MessagesArgs = { stream: false, events: false, json: false, broker: false, count: false, betas: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--stream') args.stream = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--broker') args.broker = true;
    else if (arg === '--events') args.events = true;
    else if (arg === '--count-tokens') args.count = true;
    else if (arg === '--beta' || arg === '--anthropic-version') {
      const value = argv[++i];
      if (!value || !/^[A-Za-z0-9._-]+$/.test(value)) throw new UsageError(`${arg} needs a name of letters, digits, dots, dashes and underscores (got ${JSON.stringify(value ?? '')})`);
      if (arg === '--beta') args.betas.push(value);
      else args.version = value;
    }
    else if (arg === '--base-url') {
      const url = argv[++i];
      const problem = httpUrlProblem(url ?? '');
      if (problem !== null) throw new UsageError(`--base-url needs ${HTTP_URL_RULE} (${problem})`);
      args.baseURL = url;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  if ([args.stream, args.events, args.count].filter(Boolean).length > 1) throw new UsageError('choose one of --stream, --events and --count-tokens');
  if (args.count && args.broker) throw new UsageError('--count-tokens runs on the manager in this process (not --broker)');
  return args;
}

/** The body from stdin, checked for what every Messages request needs (a count needs no max_tokens). */
export function parseBody(text: string, counting = false): MessagesBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`stdin is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('the body must be a JSON object');
  const body = value as Record<string, unknown>;
  if (!Array.isArray(body['messages']) || body['messages'].length === 0) throw new UsageError('the body needs a non-empty "messages" array');
  const maxTokens = body['max_tokens'];
  if (!(counting && maxTokens === undefined) && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw new UsageError('the body needs "max_tokens", a positive integer');
  }
  if (body['model'] !== undefined && typeof body['model'] !== 'string') throw new UsageError('"model" must be a string');
  if (body['stream'] !== undefined) throw new UsageError('leave "stream" out: use --stream');
  return body as unknown as MessagesBody;
}

function jsonOutcome(outcome: Outcome): string {
  const attempts = attemptsJson(outcome);
  if (outcome.ok) {
    return JSON.stringify({ ok: true, message: outcome.message, model: outcome.model, incomplete: outcome.incomplete, adaptations: outcome.adaptations, attempts });
  }
  return JSON.stringify({ ok: false, message: null, model: null, attempts, error: errorJson(outcome) });
}

function partText(part: StreamPart): string {
  switch (part.type) {
    case 'text':
      return part.text;
    case 'tool_use':
      return `\n[tool_use ${part.name} ${part.id} ${JSON.stringify(part.input)}]\n`;
    case 'thinking':
      return '';
  }
}

function counts(manager: RequestManager): manager is RelayManager {
  return 'countTokens' in manager;
}

function relays(stream: RequestStream): stream is RelayStream {
  return 'events' in stream;
}

/** One line of --events: the API's event as it came, or the manager's notice. */
function eventLine(event: AnswerEvent): string {
  return event.source === 'api' ? JSON.stringify(event.event) : JSON.stringify({ manager: event.notice });
}

function readProcessStdin(): Promise<string> {
  return new Promise((resolveRead, rejectRead) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.once('end', () => resolveRead(text));
    process.stdin.once('error', rejectRead);
  });
}

const processIo: MessagesIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin: readProcessStdin,
};

export async function runMessages(argv: string[], io: MessagesIo = processIo): Promise<number> {
  let args: MessagesArgs;
  let body: MessagesBody;
  try {
    args = parseArgs(argv);
    body = parseBody(await io.readStdin(), args.count);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`messages: ${error.message}\n${MESSAGES_USAGE}`);
    return EXIT.usage;
  }
  const printers = keyFromEnv('messages', io);
  if (!printers) return EXIT.usage;
  const { key, out, err } = printers;
  const defaults = defaultManagerConfig();
  const { config, problems } = validateManagerConfig({
    ...defaults,
    ...io.configOverrides,
    retry: { ...defaults.retry, ...io.configOverrides?.retry },
    providers: [{ id: 'anthropic', ...(args.baseURL ? { baseURL: args.baseURL } : {}), apiKey: () => key }],
  });
  if (!args.json) for (const problem of problems) err(`Warning: ${problem.message}\n`);
  const session = await openSession(config, { broker: args.broker, historyFile: null, quiet: args.json, env: io.env, err });
  const { manager, signal, onEvent } = session;
  const headers: PassHeaders = {
    ...(args.betas.length > 0 ? { 'anthropic-beta': args.betas.join(',') } : {}),
    ...(args.version !== undefined ? { 'anthropic-version': args.version } : {}),
  };
  const options = { signal, onEvent, client: CLI_CLIENT, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
  try {
    if (args.count && counts(manager)) return await printCount(await manager.countTokens(body, options), args.json, out, err);
    let outcome: Outcome;
    if (args.events) {
      const stream = manager.stream(body, options);
      if (!relays(stream)) {
        err('messages: --events needs the manager in this process (not --broker)\n');
        for await (const part of stream.parts) void part;
        await stream.outcome;
        return EXIT.usage;
      }
      for await (const event of stream.events) out(`${eventLine(event)}\n`);
      outcome = await stream.outcome;
    } else if (args.stream) {
      const stream = manager.stream(body, options);
      for await (const part of stream.parts) if (!args.json) out(partText(part));
      outcome = await stream.outcome;
      if (!args.json && (outcome.ok || outcome.text !== '')) out('\n');
    } else {
      outcome = await manager.send(body, options);
      if (!args.json && outcome.ok) out(`${JSON.stringify(outcome.message, null, 2)}\n`);
    }
    if (args.json) out(`${jsonOutcome(outcome)}\n`);
    return finish(outcome, args.json, err, outcome.ok ? outcome.adaptations.map((a) => `Adapted for ${outcome.model}: ${a}`) : []);
  } finally {
    await session.close();
  }
}
