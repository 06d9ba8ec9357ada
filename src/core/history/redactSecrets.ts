// Removes anything that looks like a credential from free text before it is kept, shown or
// reported: Anthropic keys, bearer tokens, x-api-key / api_key values, AWS access keys and
// Google OAuth tokens (Bedrock and Vertex routes), and every value in the secret registry.
import { MIN_SECRET_LENGTH, registeredSecrets } from '../secretRegistry';

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

/**
 * `knownSecrets`: values known to be secret (e.g. the configured key, whatever its shape),
 * on top of those in the secret registry (src/core/secretRegistry.ts); each is removed
 * wherever it appears, longest first so no part of a longer one survives. Values shorter
 * than 8 characters are ignored so a short or empty setting cannot blank out ordinary words.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
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

export function redactOptional(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : redactSecrets(text);
}
