// Lazily created SDK clients, one per provider configuration and credential. The SDK
// is loaded on first use (the extension must activate cheaply) and always with
// maxRetries: 0 — the manager is the only retry layer — and with our redacting logger.
// Every credential resolved is registered with redaction (secretRegistry.ts).
import { AwsCredentialChains } from './awsCredentials';
import { bedrockSetup } from './bedrockProvider';
import type { CredentialRequest, ProviderConfig } from './contract';
import { sdkClientOptions } from './providerClientSetup';
import { registerSecrets } from './secretRegistry';
import { GoogleAdcClients, vertexSetup } from './vertexProvider';
import type { MessagesClient } from './wire';
import { nodeFetch } from './nodeFetch';

export class ProviderSetupError extends Error {
  constructor(
    message: string,
    readonly kind: 'missing_api_key' | 'provider_unsupported' | 'provider_config',
  ) {
    super(message);
    this.name = 'ProviderSetupError';
  }
}

interface CachedClient {
  readonly identity: string;
  /** A promise, so concurrent first requests share one client. */
  readonly client: Promise<MessagesClient>;
}

/** One provider's client recipe for an attempt, or why it cannot be made. */
type ProviderSetup =
  | { readonly ok: true; readonly identity: string; readonly secret: string; make(headersTimeoutMs: number): Promise<MessagesClient> }
  | { readonly ok: false; readonly kind: ProviderSetupError['kind']; readonly message: string };

export interface ResolvedClient {
  readonly client: MessagesClient;
  /** The credential in use, so messages can be scrubbed of it. Never logged. */
  readonly secret: string;
}

export class ProviderClients {
  private readonly cache = new Map<number, CachedClient>();
  private readonly awsChains = new AwsCredentialChains();
  private readonly googleAdc = new GoogleAdcClients();

  constructor(private headersTimeoutMs: number) {}

  setHeadersTimeout(ms: number): void {
    if (ms !== this.headersTimeoutMs) this.cache.clear();
    this.headersTimeoutMs = ms;
  }

  /** Drops every client and credential chain: the next attempt finds credentials afresh. */
  clear(): void {
    this.cache.clear();
    this.awsChains.forget();
    this.googleAdc.forget();
  }

  /** `request`: whose attempt it is, for credential callbacks that answer per request. */
  async clientFor(index: number, provider: ProviderConfig, request?: CredentialRequest): Promise<ResolvedClient> {
    const key = ((await provider.apiKey?.(request)) ?? '').trim();
    const setup = await this.setup(provider, key, request);
    if (!setup.ok) throw new ProviderSetupError(setup.message, setup.kind);
    const identity = JSON.stringify([provider.id, provider.baseURL ?? '', provider.headers ?? {}, provider.projectId ?? '', provider.region ?? '', setup.identity, provider.modelIds ?? {}]);
    const cached = this.cache.get(index);
    if (cached && cached.identity === identity) return { client: await cached.client, secret: setup.secret };
    const client = setup.make(this.headersTimeoutMs);
    this.cache.set(index, { identity, client });
    try {
      return { client: await client, secret: setup.secret };
    } catch (error) {
      if (this.cache.get(index)?.client === client) this.cache.delete(index);
      throw error;
    }
  }

  private async setup(provider: ProviderConfig, key: string, request: CredentialRequest | undefined): Promise<ProviderSetup> {
    switch (provider.id) {
      case 'bedrock':
        return bedrockSetup(provider, key, this.awsChains, request);
      case 'vertex':
        return vertexSetup(provider, key, this.googleAdc);
      case 'anthropic': {
        const bearer = ((await provider.authToken?.(request)) ?? '').trim();
        if (bearer !== '') {
          registerSecrets(bearer);
          return { ok: true, identity: `bearer:${bearer}`, secret: bearer, make: (timeoutMs) => makeAnthropic(provider, { authToken: bearer }, timeoutMs) };
        }
        if (key === '') return { ok: false, kind: 'missing_api_key', message: 'Anthropic: no API key is set — run "Resilient Claude: Set API Key".' };
        registerSecrets(key);
        return { ok: true, identity: key, secret: key, make: (timeoutMs) => makeAnthropic(provider, { apiKey: key }, timeoutMs) };
      }
    }
  }
}

/** Exactly one of the two credentials: an API key (`x-api-key`) or a bearer token. */
type AnthropicAuth = { readonly apiKey: string } | { readonly authToken: string };

async function makeAnthropic(provider: ProviderConfig, auth: AnthropicAuth, headersTimeoutMs: number): Promise<MessagesClient> {
  const sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.Anthropic({
    ...('apiKey' in auth ? { apiKey: auth.apiKey, authToken: null } : { apiKey: null, authToken: auth.authToken }),
    ...sdkClientOptions(provider, headersTimeoutMs),
    fetch: provider.fetch ?? nodeFetch,
  });
  // The SDK's overloaded signatures are wider than the slice the manager uses.
  return client as unknown as MessagesClient;
}
