// Lazily created SDK clients, one per provider configuration and key. The SDK
// is loaded on first use (the extension must activate cheaply) and always with
// maxRetries: 0 — the manager is the only retry layer.
import { bedrockSetup } from './bedrockProvider';
import type { ProviderConfig } from './contract';
import type { MessagesClient } from './wire';

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

export interface ResolvedClient {
  readonly client: MessagesClient;
  /** The credential in use, so messages can be scrubbed of it. Never logged. */
  readonly secret: string;
}

export class ProviderClients {
  private readonly cache = new Map<number, CachedClient>();

  constructor(private headersTimeoutMs: number) {}

  setHeadersTimeout(ms: number): void {
    if (ms !== this.headersTimeoutMs) this.cache.clear();
    this.headersTimeoutMs = ms;
  }

  clear(): void {
    this.cache.clear();
  }

  async clientFor(index: number, provider: ProviderConfig): Promise<ResolvedClient> {
    const key = (await provider.apiKey?.()) ?? '';
    if (provider.id === 'anthropic' && key === '') {
      throw new ProviderSetupError('No API key is set.', 'missing_api_key');
    }
    const bedrock = provider.id === 'bedrock' ? await bedrockSetup(provider, key) : null;
    if (bedrock && !bedrock.ok) throw new ProviderSetupError(bedrock.message, bedrock.kind);
    const secret = bedrock?.ok ? bedrock.secret : key;
    const identity = JSON.stringify([provider.id, provider.baseURL ?? '', provider.headers ?? {}, provider.projectId ?? '', provider.region ?? '', key, bedrock?.ok ? bedrock.identity : '', provider.modelIds ?? {}]);
    const cached = this.cache.get(index);
    if (cached && cached.identity === identity) return { client: await cached.client, secret };
    const client = bedrock?.ok
      ? bedrock.make(this.headersTimeoutMs)
      : provider.id === 'vertex'
        ? this.makeVertex(provider, key)
        : this.makeAnthropic(provider, key);
    this.cache.set(index, { identity, client });
    try {
      return { client: await client, secret };
    } catch (error) {
      if (this.cache.get(index)?.client === client) this.cache.delete(index);
      throw error;
    }
  }

  private async makeAnthropic(provider: ProviderConfig, key: string): Promise<MessagesClient> {
    const sdk = await import('@anthropic-ai/sdk');
    const client = new sdk.Anthropic({
      apiKey: key,
      authToken: null,
      ...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
      maxRetries: 0,
      timeout: this.headersTimeoutMs,
      ...(provider.headers ? { defaultHeaders: { ...provider.headers } } : {}),
    });
    // The SDK's overloaded signatures are wider than the slice the manager uses.
    return client as unknown as MessagesClient;
  }

  private async makeVertex(provider: ProviderConfig, token: string): Promise<MessagesClient> {
    if (!provider.projectId || !provider.region) {
      throw new ProviderSetupError('Vertex needs a projectId and a region.', 'provider_config');
    }
    if (token === '') throw new ProviderSetupError('No Google access token is set for Vertex.', 'missing_api_key');
    const vertex = await import('@anthropic-ai/vertex-sdk');
    type VertexOptions = NonNullable<ConstructorParameters<typeof vertex.AnthropicVertex>[0]>;
    // A bearer token from the configured callback stands in for Google's auth client.
    const authClient = {
      projectId: provider.projectId,
      getRequestHeaders: async () => new Headers({ Authorization: `Bearer ${token}` }),
    } as unknown as NonNullable<VertexOptions['authClient']>;
    const client = new vertex.AnthropicVertex({
      region: provider.region,
      projectId: provider.projectId,
      authClient,
      ...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
      maxRetries: 0,
      timeout: this.headersTimeoutMs,
      ...(provider.headers ? { defaultHeaders: { ...provider.headers } } : {}),
    });
    return client as unknown as MessagesClient;
  }
}
