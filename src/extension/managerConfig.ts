// Pure translation of the extension's settings (and where requests go right now)
// into the request manager's configuration.
import type { ManagerConfig, ProviderConfig } from '../core/contract';
import { registerSecrets } from '../core/secretRegistry';
import type { ProviderId } from '../core/types';
import { DEFAULT_TAIL } from '../core/defaults';
import { modelChain } from './settings';
import type { ExtensionSettings } from './settings';

/** Where requests go: the configured API (or gateway), or the rehearsal simulator. */
export interface Endpoint {
  /** undefined = the SDK's default (https://api.anthropic.com). */
  readonly baseURL: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Read per attempt so a key change applies at once. */
  readonly apiKey: () => Promise<string | undefined>;
}

type SecretReader = () => Promise<string | undefined>;

/** How Bedrock and Vertex are reached and whether each has credentials; read per attempt, never logged. */
export interface ProviderAccess {
  /** Which configured providers have credentials now: the others are left out while one of them does. */
  readonly usable: ReadonlySet<ProviderId>;
  readonly bedrock: {
    readonly apiKey: SecretReader;
    readonly awsAccessKeyId: SecretReader;
    readonly awsSecretAccessKey: SecretReader;
    readonly awsSessionToken: SecretReader;
    /** Overrides the setting (the rehearsal simulator). */
    readonly baseURL?: string;
  };
  readonly vertex: { readonly accessToken: SecretReader; readonly baseURL?: string };
}

/**
 * The providers requests fail over between, in the configured order. A provider without
 * credentials is left out while another has them (so it does not end requests with an
 * authentication error); when none has, all stay and the first says what is missing.
 */
export function providerConfigs(settings: ExtensionSettings, endpoint: Endpoint, access: ProviderAccess): ProviderConfig[] {
  const configs = settings.providers.map((id): ProviderConfig => {
    switch (id) {
      case 'anthropic':
        return {
          id,
          ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
          headers: { ...endpoint.headers },
          apiKey: endpoint.apiKey,
        };
      case 'bedrock': {
        // The rehearsal simulator (a base URL override) serves the API's model ids: no overrides there.
        const simulated = access.bedrock.baseURL !== undefined;
        const baseURL = access.bedrock.baseURL ?? settings.bedrockBaseUrl;
        return {
          id,
          region: settings.bedrockRegion,
          ...(baseURL !== '' ? { baseURL } : {}),
          apiKey: access.bedrock.apiKey,
          awsAccessKeyId: access.bedrock.awsAccessKeyId,
          awsSecretAccessKey: access.bedrock.awsSecretAccessKey,
          awsSessionToken: access.bedrock.awsSessionToken,
          ...(settings.bedrockProfile !== '' && !simulated ? { awsProfile: settings.bedrockProfile } : {}),
          ...(Object.keys(settings.bedrockModelIds).length > 0 && !simulated ? { modelIds: { ...settings.bedrockModelIds } } : {}),
        };
      }
      case 'vertex': {
        const simulated = access.vertex.baseURL !== undefined;
        const baseURL = access.vertex.baseURL ?? settings.vertexBaseUrl;
        return {
          id,
          projectId: settings.vertexProjectId,
          region: settings.vertexRegion,
          ...(baseURL !== '' ? { baseURL } : {}),
          apiKey: access.vertex.accessToken,
          ...(Object.keys(settings.vertexModelIds).length > 0 && !simulated ? { modelIds: { ...settings.vertexModelIds } } : {}),
        };
      }
    }
  });
  const usable = configs.filter((c) => access.usable.has(c.id));
  return usable.length > 0 ? usable : configs;
}

/** The configured endpoint; the key, whatever its shape (a gateway's too), is registered with redaction as it is read. */
export function endpointFromSettings(settings: ExtensionSettings, apiKey: Endpoint['apiKey']): Endpoint {
  const registered = async (): Promise<string | undefined> => {
    const key = await apiKey();
    registerSecrets(key);
    return key;
  };
  return { baseURL: settings.baseUrl === '' ? undefined : settings.baseUrl, headers: settings.headers, apiKey: registered };
}

/**
 * The model chain with the models the user asked to avoid for now ("Use Fallback Now")
 * moved to the end, so they are tried only when nothing else is available.
 */
export function effectiveChain(settings: ExtensionSettings, demoted: ReadonlySet<string>): string[] {
  const chain = modelChain(settings);
  return [...chain.filter((m) => !demoted.has(m)), ...chain.filter((m) => demoted.has(m))];
}

export function buildManagerConfig(
  base: ManagerConfig,
  settings: ExtensionSettings,
  endpoint: Endpoint,
  demoted: ReadonlySet<string>,
  clientName: string,
  /** Bedrock and Vertex access; without it only Anthropic is used. */
  access?: ProviderAccess,
): ManagerConfig {
  const openMs = settings.openSeconds * 1000;
  const anthropic: ProviderConfig = {
    id: 'anthropic',
    ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
    headers: { ...endpoint.headers },
    apiKey: endpoint.apiKey,
  };
  return {
    ...base,
    models: effectiveChain(settings, demoted),
    providers: access === undefined ? [anthropic] : providerConfigs(settings, endpoint, access),
    retry: {
      ...base.retry,
      maxAttempts: settings.maxAttempts,
      maxAttemptsPerRoute: Math.min(base.retry.maxAttemptsPerRoute, settings.maxAttempts),
      deadlineMs: settings.deadlineSeconds * 1000,
    },
    breaker: {
      ...base.breaker,
      failureThreshold: settings.failureThreshold,
      openMs,
      maxOpenMs: Math.max(base.breaker.maxOpenMs, openMs),
    },
    concurrency: settings.concurrency,
    tail: {
      ...(base.tail ?? DEFAULT_TAIL),
      hedge: settings.hedgeBudgetPercent > 0,
      hedgeFloorMs: settings.hedgeFloorSeconds * 1000,
      hedgeBudget: { ...(base.tail ?? DEFAULT_TAIL).hedgeBudget, ratio: settings.hedgeBudgetPercent / 100 },
      stallFloorMs: settings.stallFloorSeconds * 1000,
    },
    clientName,
  };
}
