// The secret values this process knows of: every credential a provider resolved (an
// Anthropic or gateway key of any shape, a Bedrock API key, AWS key id / secret / session
// token, a Google access token). Redaction consults it, so a value is scrubbed wherever
// it turns up — a log line, an error message, a history record or a report — even when
// it does not look like a credential. Values only; never where they came from.

/** Shorter values are ignored, so a short or empty setting cannot blank out ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/** Bounded: rotating credentials (SSO sessions, OAuth tokens) add values over a long session; the oldest go first. */
const MAX_SECRETS = 64;

const secrets = new Set<string>();

/** Registers each value (trimmed) as secret; empty, missing and short values are ignored. */
export function registerSecrets(...values: readonly (string | null | undefined)[]): void {
  for (const raw of values) {
    const value = raw?.trim();
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    secrets.delete(value);
    secrets.add(value);
    if (secrets.size > MAX_SECRETS) secrets.delete(secrets.values().next().value as string);
  }
}

/** The registered values, oldest first. */
export function registeredSecrets(): readonly string[] {
  return [...secrets];
}

/** Whether a registered value satisfies `found` (looked at in place, without a copy of the set). */
export function someRegisteredSecret(found: (value: string) => boolean): boolean {
  for (const value of secrets) if (found(value)) return true;
  return false;
}

/** Forgets every registered value (tests; a process that drops all its credentials). */
export function clearRegisteredSecrets(): void {
  secrets.clear();
}
