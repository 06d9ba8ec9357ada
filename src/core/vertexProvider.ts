// Google Vertex AI as a provider: the official Vertex SDK (loaded on first use,
// maxRetries: 0) authenticated the way the user already is — a Google access token
// the user stored (secret storage) when set, otherwise Application Default Credentials
// through google-auth-library: GOOGLE_APPLICATION_CREDENTIALS (service account,
// authorized user, workload identity federation), `gcloud auth application-default
// login`, or the metadata server. The library caches the token and fetches a new one
// when it expires; every token sent is registered with redaction.
import type { ProviderConfig } from './contract';
import { mappedModelId, withModelIds } from './providerModelIds';
import { withinCredentialTimeout } from './credentialTimeout';
import { redactSecrets, shortMessage } from './redact';
import { sdkClientOptions } from './providerClientSetup';
import type { ProviderClientSetup } from './providerClientSetup';
import { registerSecrets } from './secretRegistry';
import type { MessagesClient } from './wire';

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform';

/** How long finding the credentials and a first token may take before the attempt gives up on it. */
export const GOOGLE_ADC_TIMEOUT_MS = 15_000;

/** The slice of google-auth-library's AuthClient the Vertex SDK calls. */
export interface VertexAuthClient {
  readonly projectId?: string | null;
  getRequestHeaders(): Promise<Headers>;
}

/** The bearer token in an Authorization header value, or ''. */
function bearerToken(headers: Headers): string {
  return /^Bearer\s+(.+)$/i.exec(headers.get('authorization') ?? '')?.[1]?.trim() ?? '';
}

/** Passes every token the client sends through the secret registry first. */
function registering(client: VertexAuthClient): VertexAuthClient {
  return {
    projectId: client.projectId ?? null,
    getRequestHeaders: async () => {
      const headers = await client.getRequestHeaders();
      registerSecrets(bearerToken(headers));
      return headers;
    },
  };
}

/** Application Default Credentials per project, found once and kept (the library refreshes tokens inside). */
export class GoogleAdcClients {
  private readonly clients = new Map<string, Promise<VertexAuthClient>>();

  clientFor(projectId: string): Promise<VertexAuthClient> {
    let client = this.clients.get(projectId);
    if (!client) {
      client = findAdc(projectId);
      this.clients.set(projectId, client);
      client.catch(() => this.clients.delete(projectId));
    }
    return client;
  }

  forget(projectId?: string): void {
    if (projectId === undefined) this.clients.clear();
    else this.clients.delete(projectId);
  }
}

async function findAdc(projectId: string): Promise<VertexAuthClient> {
  const { GoogleAuth } = await import('google-auth-library');
  // The project is given, so the library never asks Google's resource manager for one.
  const auth = new GoogleAuth({ scopes: CLOUD_PLATFORM, projectId });
  const client = await auth.getClient();
  return registering(client as unknown as VertexAuthClient);
}

const NOT_FOUND = /could not load the default credentials|default credentials|unable to detect a project id|ENOENT/i;

/** The message for ADC that found nothing, or failed (an expired login names its fix). */
export function missingGoogleCredentialsMessage(cause: unknown): string {
  const reason = shortMessage(redactSecrets(cause instanceof Error ? cause.message : String(cause ?? '')), 200);
  const fix = 'run "Resilient Claude: Set Vertex Access Token" or `gcloud auth application-default login`';
  if (reason === '' || NOT_FOUND.test(reason)) {
    return `Vertex: no Google credentials found (GOOGLE_APPLICATION_CREDENTIALS, gcloud application-default login, metadata server) — ${fix}.`;
  }
  return `Vertex: Google Application Default Credentials could not be used: ${reason} — ${fix}.`;
}

/**
 * Application Default Credentials for the project with a token in hand (a missing or
 * expired login fails here with its own message), or why there are none.
 */
export async function findGoogleCredentials(
  projectId: string,
  adc: GoogleAdcClients,
  timeoutMs = GOOGLE_ADC_TIMEOUT_MS,
): Promise<{ readonly ok: true; readonly client: VertexAuthClient } | { readonly ok: false; readonly message: string }> {
  try {
    const client = await adc.clientFor(projectId);
    await withinCredentialTimeout(client.getRequestHeaders(), timeoutMs, 'Looking up Google credentials');
    return { ok: true, client };
  } catch (error) {
    adc.forget(projectId);
    return { ok: false, message: missingGoogleCredentialsMessage(error) };
  }
}

/** Picks the stored token or ADC for this attempt (a token set or cleared applies at once). */
export async function vertexSetup(
  provider: ProviderConfig,
  storedToken: string,
  adc: GoogleAdcClients,
  timeoutMs = GOOGLE_ADC_TIMEOUT_MS,
): Promise<ProviderClientSetup> {
  const { projectId, region } = provider;
  if (!projectId || !region) {
    return { ok: false, kind: 'provider_config', message: 'Vertex: a project id and a region are needed (resilientClaude.vertex.projectId, resilientClaude.vertex.region).' };
  }
  if (storedToken !== '') {
    registerSecrets(storedToken);
    const client: VertexAuthClient = {
      projectId,
      getRequestHeaders: async () => new Headers({ Authorization: `Bearer ${storedToken}` }),
    };
    return {
      ok: true,
      identity: JSON.stringify(['token', projectId, region, storedToken]),
      secret: storedToken,
      make: (headersTimeoutMs) => makeVertexClient(provider, projectId, region, client, headersTimeoutMs),
    };
  }
  // The broker looks nowhere itself: the client that asked found none (requestCredentials.ts).
  if (provider.ambientCredentials === false) return { ok: false, kind: 'missing_api_key', message: missingGoogleCredentialsMessage('') };
  const found = await findGoogleCredentials(projectId, adc, timeoutMs);
  if (!found.ok) return { ok: false, kind: 'missing_api_key', message: found.message };
  const { client } = found;
  return {
    ok: true,
    identity: JSON.stringify(['adc', projectId, region]),
    secret: '',
    make: (headersTimeoutMs) => makeVertexClient(provider, projectId, region, client, headersTimeoutMs),
  };
}

async function makeVertexClient(
  provider: ProviderConfig,
  projectId: string,
  region: string,
  authClient: VertexAuthClient,
  headersTimeoutMs: number,
): Promise<MessagesClient> {
  const vertex = await import('@anthropic-ai/vertex-sdk');
  type VertexOptions = NonNullable<ConstructorParameters<typeof vertex.AnthropicVertex>[0]>;
  const client = new vertex.AnthropicVertex({
    region,
    projectId,
    // The SDK calls only getRequestHeaders (and reads projectId) of its AuthClient.
    authClient: authClient as unknown as NonNullable<VertexOptions['authClient']>,
    ...sdkClientOptions(provider, headersTimeoutMs),
  });
  // The SDK's overloaded signatures are wider than the slice the manager uses.
  return withModelIds(client as unknown as MessagesClient, (model) => mappedModelId(provider, model));
}
