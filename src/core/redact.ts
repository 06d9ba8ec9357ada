// The one redaction rule. Before text is logged, emitted in an event, kept in the history,
// shown or reported, every known secret value is removed wherever it appears, and then
// anything shaped like a credential. Known values are those passed in (e.g. the configured
// key, whatever its shape) and those in the secret registry (src/core/secretRegistry.ts);
// each counts from MIN_SECRET_LENGTH characters (shorter ones would blank out ordinary
// words) and they are removed longest first, so no part of a longer one survives.
import { MIN_SECRET_LENGTH, registeredSecrets, someRegisteredSecret } from './secretRegistry';

export const REDACTED = '[redacted]';

const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Anthropic API and admin keys: sk-ant-api03-…, sk-ant-admin01-…, and any sk-ant- prefix.
  [/sk-ant-[A-Za-z0-9_-]*/g, REDACTED],
  // Authorization headers with any scheme value.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // x-api-key: value, "x-api-key":"value", api_key=value, apiKey: 'value', …
  [
    /\b((?:x[-_])?api[-_]?key|authorization|access[-_]?token|secret[-_]?access[-_]?key)(["']?\s*[:=]\s*["']?)(?!\[redacted\]|Bearer\b|Basic\b)[^\s"',;&}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // Google OAuth access tokens.
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  // Generic secret-key shapes some gateways use (sk-… with a long body).
  [/\bsk-[A-Za-z0-9_-]{20,}/g, REDACTED],
];

/** `knownSecrets` are scrubbed on top of the registered ones, by the same rule. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  // Most text carries none: a look in place, without sorting the secrets or copying the text.
  if (!carriesSecret(text, knownSecrets)) return text;
  let out = text;
  const values = [...new Set([...knownSecrets, ...registeredSecrets()])].sort((a, b) => b.length - a.length);
  for (const secret of values) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** Whether `redactSecrets` would change `text`: a known secret or a credential's shape is in it.
 *  As cheap as a look (no copy of the text): a server's short token is checked on every answer. */
export function carriesSecret(text: string, knownSecrets: readonly string[] = []): boolean {
  for (const secret of knownSecrets) if (secret.length >= MIN_SECRET_LENGTH && text.includes(secret)) return true;
  if (someRegisteredSecret((secret) => text.includes(secret))) return true;
  return SECRET_PATTERNS.some(([pattern]) => text.search(pattern) >= 0);
}

export function redactOptional(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : redactSecrets(text);
}

/** One line, bounded length: error messages are shown in status bars and JSON. */
export function shortMessage(text: string, max = 300): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
