// Whose rate limits a request spends. The API counts requests and tokens per organization, so
// a 429, a spent tier or a pacing booking seen with one credential says nothing about another:
// the rate-limit state of a route (rate-limit holds, the tier's limits, pacing bookings) is kept
// per credential as well, while its capacity (breakers, unknown models, first-token times) stays
// the model's, shared by everyone. A credential is named by an HMAC under a key made afresh by
// each process: stable while the process (the broker, a window) runs, the same for the same
// credential whoever sends it, and never the secret itself, nor anything that leads back to it.
import { createHmac, randomBytes } from 'node:crypto';
import type { CredentialRequest, ProviderConfig } from './contract';

const PROCESS_KEY = randomBytes(32);

/** The last credential named and its name: a client sends the same one on every request, and a
 *  request names it twice (its endpoint manager, its routes). Only one, never more: the secret
 *  registry (secretRegistry.ts) holds the values a process has resolved in any case. */
let lastNamed: { readonly secret: string; readonly id: string } | null = null;

/** The name of a credential: `cred:` and 16 hex digits of its HMAC (never the credential). The
 *  same secret is the same credential whichever header carries it (`x-api-key` or a bearer). */
export function credentialId(secret: string): string {
  if (lastNamed !== null && lastNamed.secret === secret) return lastNamed.id;
  const id = `cred:${createHmac('sha256', PROCESS_KEY).update(secret).digest('hex').slice(0, 16)}`;
  lastNamed = { secret, id };
  return id;
}

/** Whether `text` is a credential's name (`credentialId`'s form). */
export function isCredentialId(text: string): boolean {
  return /^cred:[0-9a-f]{16}$/.test(text);
}

/** A callback's answer as a credential: trimmed, '' when it is none. */
function trimmed(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** The callback's value ('' when it names none, or fails: the attempt resolves it again and
 *  reports its failure itself); a promise only when the callback answers with one. */
function resolved(callback: ProviderConfig['apiKey'], request: CredentialRequest): string | Promise<string> {
  try {
    const value: unknown = callback?.(request);
    if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
      return Promise.resolve(value).then(trimmed, () => '');
    }
    return trimmed(value);
  } catch {
    return '';
  }
}

/** `then(value)` at once for a value, after it for a promise. */
function after<T, U>(value: T | Promise<T>, then: (value: T) => U | Promise<U>): U | Promise<U> {
  return value instanceof Promise ? value.then(then) : then(value);
}

/**
 * The credential this request spends on the provider, as its scope: the bearer token or API key
 * the Anthropic provider sends (the token wins, as when the client is made), a Bedrock API key or
 * access key id; '' when the provider's callbacks name none (an ambient chain, Vertex: the
 * endpoint's own key then names the account).
 */
export async function credentialScope(provider: ProviderConfig, request: CredentialRequest): Promise<string> {
  return scopeNow(provider, request);
}

/** credentialScope, synchronous when the provider's callbacks are (no promise hop on the way of every request). */
function scopeNow(provider: ProviderConfig, request: CredentialRequest): string | Promise<string> {
  if (provider.id === 'vertex') return '';
  const byKey = (): string | Promise<string> =>
    after(resolved(provider.apiKey, request), (key) => {
      if (key !== '') return credentialId(key);
      if (provider.id !== 'bedrock') return '';
      return after(resolved(provider.awsAccessKeyId, request), (accessKeyId) => (accessKeyId === '' ? '' : credentialId(accessKeyId)));
    });
  if (provider.id !== 'anthropic') return byKey();
  return after(resolved(provider.authToken, request), (bearer) => (bearer !== '' ? credentialId(bearer) : byKey()));
}

/** Each provider's scope for this request, in the configuration's order (an array at once when
 *  every provider's callbacks answer at once). */
export function credentialScopes(providers: readonly ProviderConfig[], request: CredentialRequest): string[] | Promise<string[]> {
  const scopes = providers.map((provider) => scopeNow(provider, request));
  return scopes.some((scope) => scope instanceof Promise) ? Promise.all(scopes) : (scopes as string[]);
}
