// `messages`: a whole Messages API body (JSON on stdin) through the resilient client.
//   messages [--base-url URL] [--json] [--stream] [--broker] < body.json
// The body is the SDK's MessageCreateParams without `stream` (the manager owns it); `model`
// is optional and, when given, is tried first before the configured fallbacks. Prints the
// assembled Message (content blocks, stop_reason, usage). The key comes from
// ANTHROPIC_API_KEY and is never printed.
import type { MessagesBody, Outcome, StreamPart } from '../core/types';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import { EXIT, UsageError, attemptsJson, errorJson, finish, keyFromEnv, openSession } from './cliSession';
import type { CliIo } from './cliSession';

export const MESSAGES_USAGE = `Usage: messages [options] < body.json

Reads a Messages API request body (JSON) from stdin and sends it through the resilient client.

Options:
  --base-url URL   API base URL (default: the SDK's, or ANTHROPIC_BASE_URL)
  --stream         print text as it arrives (tool calls as one line each), then nothing else
  --json           print one JSON object: { ok, message, model, attempts, error? }
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
  json: boolean;
  broker: boolean;
}

function parseArgs(argv: readonly string[]): MessagesArgs {
  const args: MessagesArgs = { stream: false, json: false, broker: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--stream') args.stream = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--broker') args.broker = true;
    else if (arg === '--base-url') {
      const url = argv[++i];
      if (!url || !/^https?:\/\//.test(url)) throw new UsageError(`--base-url needs an http(s) URL (got ${JSON.stringify(url ?? '')})`);
      args.baseURL = url;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return args;
}

/** The body from stdin, checked for what every Messages request needs. */
export function parseBody(text: string): MessagesBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`stdin is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('the body must be a JSON object');
  const body = value as Record<string, unknown>;
  if (!Array.isArray(body['messages']) || body['messages'].length === 0) throw new UsageError('the body needs a non-empty "messages" array');
  if (typeof body['max_tokens'] !== 'number' || !Number.isInteger(body['max_tokens']) || body['max_tokens'] < 1) {
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
    body = parseBody(await io.readStdin());
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
  const { manager, signal } = session;
  try {
    let outcome: Outcome;
    if (args.stream) {
      const stream = manager.stream(body, { signal });
      for await (const part of stream.parts) if (!args.json) out(partText(part));
      outcome = await stream.outcome;
      if (!args.json && (outcome.ok || outcome.text !== '')) out('\n');
    } else {
      outcome = await manager.send(body, { signal });
      if (!args.json && outcome.ok) out(`${JSON.stringify(outcome.message, null, 2)}\n`);
    }
    if (args.json) out(`${jsonOutcome(outcome)}\n`);
    return finish(outcome, args.json, err, outcome.ok ? outcome.adaptations.map((a) => `Adapted for ${outcome.model}: ${a}`) : []);
  } finally {
    await session.close();
  }
}
