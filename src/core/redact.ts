// Keeps secrets out of every message the manager emits. The configured key is
// removed wherever it appears, and anything shaped like an Anthropic key too.

const KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]{8,}/g;
const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_SHAPE, '[redacted]').replace(BEARER, '$1[redacted]');
}

/** One line, bounded length: error messages are shown in status bars and JSON. */
export function shortMessage(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
