// Keeps secrets out of every message the manager emits. The configured key is
// removed wherever it appears, and then anything shaped like a credential, with the
// same patterns the history and the escalation report use (Anthropic keys, Bearer
// and Basic headers, AWS key ids, Google OAuth tokens, key=value credentials).
import { REDACTED, redactSecrets as redactCredentialShapes } from './history/redactSecrets';

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return redactCredentialShapes(out);
}

/** One line, bounded length: error messages are shown in status bars and JSON. */
export function shortMessage(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
