// Which program a request came from ("Claude Code 2.1.3", "curl 8.5.0", "VS Code"…): a label
// the caller gives with the request, carried on its attempt events into the failure log, the
// diagnostics panel and the escalation report. A label is a name and a version, nothing else:
// whatever arrives is cut to that, so it can never carry a credential or a control character.
import { redactSecrets } from './redact';

/** The editor's own requests (commands, code actions). */
export const EDITOR_CLIENT = 'VS Code';
/** Requests made for the editor's chat (the language model provider and chat participant). */
export const CHAT_CLIENT = 'VS Code Chat';
/** Requests of the command-line tool's own commands (ask, messages). */
export const CLI_CLIENT = 'Resilient Claude CLI';

export const MAX_CLIENT_CHARS = 64;

const UNSAFE = /[^A-Za-z0-9._\-+()/ ]+/g;

/** The label as it may be kept and shown, or null when nothing usable is left. */
export function safeClientLabel(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const label = redactSecrets(value).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_CLIENT_CHARS).trim();
  return label === '' ? null : label;
}
