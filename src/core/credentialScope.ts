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

/** The name of a credential: `cred:` and 16 hex digits of its HMAC (never the credential). The
 *  same secret is the same credential whichever header carries it (`x-api-key` or a bearer). */
export function credentialId(secret: string): string {
  return `cred:${createHmac('sha256', PROCESS_KEY).update(secret).digest('hex').slice(0, 16)}`;
}

/** Whether `text` is a credential's name (`credentialId`'s form). */
export function isCredentialId(text: string): boolean {
  return /^cred:[0-9a-f]{16}$/.test(text);
}

async function resolved(callback: ProviderConfig['apiKey'], request: CredentialRequest): Promise<string> {
  try {
    return ((await callback?.(request)) ?? '').trim();
  } catch {
    // The attempt resolves it again and reports its failure itself.
    return '';
  }
}

/**
 * The credential this request spends on the provider, as its scope: the bearer token or API key
 * the Anthropic provider sends (the token wins, as when the client is made), a Bedrock API key or
 * access key id; '' when the provider's callbacks name none (an ambient chain, Vertex: the
 * endpoint's own key then names the account).
 */
export async function credentialScope(provider: ProviderConfig, request: CredentialRequest): Promise<string> {
  if (provider.id === 'anthropic') {
    const bearer = await resolved(provider.authToken, request);
    if (bearer !== '') return credentialId(bearer);
  }
  if (provider.id === 'vertex') return '';
  const key = await resolved(provider.apiKey, request);
  if (key !== '') return credentialId(key);
  if (provider.id !== 'bedrock') return '';
  const accessKeyId = await resolved(provider.awsAccessKeyId, request);
  return accessKeyId === '' ? '' : credentialId(accessKeyId);
}

/** Each provider's scope for this request, in the configuration's order. */
export function credentialScopes(providers: readonly ProviderConfig[], request: CredentialRequest): Promise<string[]> {
  return Promise.all(providers.map((provider) => credentialScope(provider, request)));
}
