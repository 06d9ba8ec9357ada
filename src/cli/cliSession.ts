// What `ask` and `messages` share around one request: the key from the environment (redacted
// from everything printed), the manager (the user's broker with --broker, else in-process),
// the history this process writes itself, progress lines on stderr, Ctrl-C as a cancel, and
// how an outcome becomes lines and an exit status.
import type { ManagerConfig, RequestManager } from '../core/contract';
import type { AttemptRecord, ManagerEvent, Outcome, RequestEvent } from '../core/types';
import { describeClass } from '../core/classify';
import { createRequestManager } from '../core/requestManager';
import { redactSecrets } from '../core/redact';
import { createFileHistoryStorage } from '../core/history/fileHistoryStorage';
import { createHistory } from '../core/history/createHistory';
import type { History } from '../core/history/historyTypes';
import type { SharedManager } from '../broker/client/sharedManager';
import { createBrokerClient } from './broker-client';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Extra configuration for tests (timeouts, backoff). */
  readonly configOverrides?: Partial<ManagerConfig>;
}

export class UsageError extends Error {}

/** Exit statuses every command documents. */
export const EXIT = { answered: 0, failed: 1, usage: 2, cutShort: 3 } as const;

/** Stdout and stderr with the key taken out of anything printed. */
export interface CliOutput {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The key from ANTHROPIC_API_KEY with printers that never show it, or null (said on stderr). */
export function keyFromEnv(command: string, io: CliIo): (CliOutput & { readonly key: string }) | null {
  const key = io.env['ANTHROPIC_API_KEY'];
  const secrets = key ? [key] : [];
  const out = (text: string): void => io.stdout(redactSecrets(text, secrets));
  const err = (text: string): void => io.stderr(redactSecrets(text, secrets));
  if (!key) {
    err(`${command}: ANTHROPIC_API_KEY is not set\n`);
    return null;
  }
  return { key, out, err };
}

export interface CliSession {
  readonly manager: RequestManager;
  /** The broker client when --broker was given. */
  readonly shared: SharedManager | null;
  readonly signal: AbortSignal;
  /** The command's own request's events as progress lines on stderr (SendOptions.onEvent); another
   *  client's traffic on a shared broker is not this command's to tell. */
  readonly onEvent: (event: RequestEvent) => void;
  close(): Promise<void>;
}

/** The manager for one command, ready to send: progress on stderr unless quiet, Ctrl-C cancels. */
export async function openSession(
  config: ManagerConfig,
  options: { readonly broker: boolean; readonly historyFile: string | null; readonly quiet: boolean; readonly env: CliIo['env']; readonly err: (text: string) => void },
): Promise<CliSession> {
  const { err } = options;
  const shared = options.broker ? createBrokerClient(config, { env: options.env, historyFile: options.historyFile, log: (line) => err(`${line}\n`) }) : null;
  const manager: RequestManager = shared ?? createRequestManager(config);
  // Without the broker, this process writes the history itself (alongside any other writer, under the history lock).
  const history: History | null = !shared && options.historyFile ? createHistory({ storage: createFileHistoryStorage(options.historyFile) }) : null;
  if (history) {
    void history.load();
    manager.onEvent((event) => history.record(event));
  }
  if (shared) await shared.whenReady();
  const tell = (event: ManagerEvent): void => {
    const line = progressLine(event);
    if (line) err(`${line}\n`);
  };
  // The routes' own news (a breaker opening, a rate-limit hold) is told whoever's request caused it.
  if (!options.quiet) manager.onEvent((event) => (event.type === 'breaker' || event.type === 'hold' ? tell(event) : undefined));
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  return {
    manager,
    shared,
    signal: controller.signal,
    onEvent: options.quiet ? () => undefined : tell,
    close: async () => {
      process.removeListener('SIGINT', onInterrupt);
      manager.dispose();
      await history?.dispose();
    },
  };
}

/** One stderr line for a manager event worth telling a person at a terminal, or null. */
export function progressLine(event: ManagerEvent): string | null {
  switch (event.type) {
    case 'wait':
      return `${event.model}: ${describeClass(event.reason)} — retrying in ${formatSeconds(event.delayMs)} (attempt ${event.nextAttempt})`;
    case 'fallback':
      return `Falling back from ${event.from.model} to ${event.to.model} (${event.reason.replace(/_/g, ' ')})`;
    case 'stall': {
      const seconds = formatSeconds(event.silentMs);
      return event.phase === 'mid_stream'
        ? `${event.model}: the answer stopped for ${seconds} — continuing on a fresh connection`
        : `${event.model}: no response for ${seconds} — trying a fresh connection`;
    }
    case 'hold':
      return event.until === null ? null : `${event.model}: rate-limited until ${new Date(event.until).toISOString().slice(11, 19)} UTC`;
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

/** Every attempt of an outcome, as the --json output lists them. */
export function attemptsJson(outcome: { readonly attempts: readonly AttemptRecord[] }): readonly Record<string, unknown>[] {
  return outcome.attempts.map((a) => ({
    model: a.model,
    status: a.status,
    errorClass: a.errorClass,
    requestId: a.requestId,
    clientRequestId: a.clientRequestId,
    latencyMs: a.latencyMs,
  }));
}

/** The error of a failed outcome, as the --json output gives it. */
export function errorJson(outcome: Pick<Extract<Outcome, { ok: false }>, 'error'>): Record<string, unknown> {
  return { class: outcome.error.class, message: outcome.error.message, requestIds: outcome.error.requestIds };
}

/** Says how the request ended (unless --json said it already) and returns the exit status. */
export function finish(outcome: Outcome, json: boolean, err: (text: string) => void, notes: readonly string[] = []): number {
  if (!outcome.ok) {
    if (!json) {
      err(`Error (${outcome.error.class}): ${outcome.error.message}\n`);
      if (outcome.error.requestIds.length > 0) err(`Request ids: ${outcome.error.requestIds.join(', ')}\n`);
    }
    return EXIT.failed;
  }
  if (!json) for (const note of notes) err(`${note}\n`);
  if (outcome.incomplete) {
    if (!json) err('Warning: the answer was cut short and could not be continued.\n');
    return EXIT.cutShort;
  }
  return EXIT.answered;
}
