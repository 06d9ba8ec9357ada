// Where requests go and on which chain, from the settings, the credentials read and the
// running rehearsal: the providers in the order tried, the model chain (with "Use Fallback
// Now" demotions), the endpoint, the manager configuration for real traffic and for a
// rehearsal, and the breaker view the status bar shows. Pure: no VS Code, no manager.
import type { ManagerConfig } from '../core/contract';
import { defaultManagerConfig } from '../core/defaults';
import type { BreakerSnapshot, ProviderId } from '../core/types';
import { buildManagerConfig, effectiveChain, endpointFromSettings, providerConfigs } from './managerConfig';
import type { Endpoint, ProviderAccess } from './managerConfig';
import type { ProviderCredentials } from './providerCredentials';
import type { ExtensionSettings } from './settings';
import { PROVIDERS, PROVIDER_NAMES, PROVIDER_SHORT_NAMES } from '../shared/vocabulary';

/** The key the client sends to the rehearsal simulator: never a real key. */
export const REHEARSAL_API_KEY = 'rehearsal-no-real-key';

/** The running rehearsal as routing needs it. */
export interface RehearsalPlace {
  readonly scenario: string;
  /** The simulator's base URL. */
  readonly url: string;
  readonly statusPageUrl: string;
}

/** Bedrock's and Vertex's credentials: whether each is set (as last read) and their readers (never logged). */
export type CredentialReaders = Pick<
  ProviderCredentials,
  'hasBedrock' | 'hasVertex' | 'bedrockApiKey' | 'awsAccessKeyId' | 'awsSecretAccessKey' | 'awsSessionToken' | 'vertexAccessToken'
>;

/** What routing reads, each time it is asked (so a change applies at once). */
export interface RouteSources {
  readonly settings: () => ExtensionSettings;
  readonly apiKey: () => Promise<string | undefined>;
  readonly credentials: CredentialReaders;
  /** The running rehearsal, or null for real traffic. */
  readonly rehearsal: () => RehearsalPlace | null;
  /** Names this client in the User-Agent. */
  readonly clientName: string;
}

export class RouteConfiguration {
  private readonly demoted = new Set<string>();
  private anthropicKeySet = false;

  constructor(private readonly sources: RouteSources) {}

  /** Records whether the Anthropic key is set; true when that changed. */
  noteAnthropicKey(set: boolean): boolean {
    const changed = set !== this.anthropicKeySet;
    this.anthropicKeySet = set;
    return changed;
  }

  /** The providers requests fail over between, in order (the configured ones that can be used now). */
  get providers(): ProviderId[] {
    return providerConfigs(this.sources.settings(), this.endpoint(), this.access(this.sources.rehearsal())).map((p) => p.id);
  }

  /** The model chain requests will try, primary first. */
  get chain(): string[] {
    return effectiveChain(this.sources.settings(), this.demoted);
  }

  get primaryModel(): string {
    return this.sources.settings().model;
  }

  /** Models set aside by "Use Fallback Now" (tried last). */
  get demotedModels(): string[] {
    return [...this.demoted];
  }

  /** Sets a model aside (tried last) until demotions are forgotten; true when that changed the chain. */
  demote(model: string): boolean {
    if (this.demoted.has(model)) return false;
    this.demoted.add(model);
    return true;
  }

  /** Forgets every demotion, or only `model`'s; true when there was one to forget. */
  forgetDemotions(model?: string): boolean {
    const forget = model === undefined ? [...this.demoted] : [...this.demoted].filter((m) => m === model);
    for (const m of forget) this.demoted.delete(m);
    return forget.length > 0;
  }

  /** The scenario of the running overload rehearsal, or null for real traffic. */
  get rehearsalScenario(): string | null {
    return this.sources.rehearsal()?.scenario ?? null;
  }

  /** The rehearsal simulator's status page while a rehearsal runs, else null. */
  get rehearsalStatusPageUrl(): string | null {
    return this.sources.rehearsal()?.statusPageUrl ?? null;
  }

  /** Where new work goes right now: null for live, or the running rehearsal's simulator URL. */
  get rehearsalUrl(): string | null {
    return this.sources.rehearsal()?.url ?? null;
  }

  /** Where requests go right now (the rehearsal simulator while one runs). */
  endpoint(): Endpoint {
    const active = this.sources.rehearsal();
    return active ? rehearsalEndpoint(active.url) : this.liveEndpoint();
  }

  /** The configured API, rehearsal or not. */
  liveEndpoint(): Endpoint {
    return endpointFromSettings(this.sources.settings(), this.sources.apiKey);
  }

  /** The running rehearsal's simulator at `url`, or null when none runs there (any more). */
  rehearsalAt(url: string): Endpoint | null {
    return this.sources.rehearsal()?.url === url ? rehearsalEndpoint(url) : null;
  }

  /** True when a configured provider has credentials (as last read). */
  hasCredentials(): boolean {
    const usable = this.usable();
    return this.sources.settings().providers.some((p) => usable.has(p));
  }

  /** The real traffic's configuration (never the rehearsal's). */
  liveConfig(): ManagerConfig {
    return buildManagerConfig(defaultManagerConfig(), this.sources.settings(), this.liveEndpoint(), this.demoted, this.sources.clientName, this.access(null));
  }

  /** A rehearsal's configuration: the same chain and policies, every provider on its simulator. */
  rehearsalConfig(url: string): ManagerConfig {
    return buildManagerConfig(defaultManagerConfig(), this.sources.settings(), rehearsalEndpoint(url), this.demoted, this.sources.clientName, this.access({ url }));
  }

  /** Breaker states for the current routes (each model on each provider, in the order tried), closed for routes not used yet. */
  breakerView(known: readonly BreakerSnapshot[]): BreakerSnapshot[] {
    const providers = this.providers;
    return this.chain.flatMap((model) =>
      providers.map(
        (provider): BreakerSnapshot =>
          known.find((b) => b.model === model && b.provider === provider) ?? {
            provider,
            model,
            state: 'closed',
            since: 0,
            nextProbeAt: null,
            consecutiveFailures: 0,
            heldUntil: null,
          },
      ),
    );
  }

  /** Chain and destination, for the log (a base URL never carries credentials: the settings refuse them). */
  describeRoute(): string {
    const active = this.sources.rehearsal();
    const s = this.sources.settings();
    const where: Record<ProviderId, string> = {
      anthropic: s.baseUrl || 'https://api.anthropic.com',
      bedrock: s.bedrockBaseUrl || `${PROVIDER_NAMES.bedrock} in ${s.bedrockRegion}`,
      vertex: s.vertexBaseUrl || `${PROVIDER_SHORT_NAMES.vertex} in ${s.vertexRegion}`,
    };
    const providers = this.providers;
    const target = active
      ? `the rehearsal simulator at ${active.url}`
      : providers.length === 1
        ? where[providers[0] ?? 'anthropic']
        : providers.map((p) => `${p} (${where[p]})`).join(', then ');
    return `chain ${this.chain.join(' → ')}, requests to ${target}`;
  }

  private usable(): Set<ProviderId> {
    const usable = new Set<ProviderId>();
    if (this.anthropicKeySet) usable.add('anthropic');
    if (this.sources.credentials.hasBedrock) usable.add('bedrock');
    if (this.sources.credentials.hasVertex) usable.add('vertex');
    return usable;
  }

  /** Bedrock and Vertex: their stored credentials, or for a rehearsal the simulator with dummy ones. */
  private access(active: { readonly url: string } | null): ProviderAccess {
    if (active) {
      const dummy = async (): Promise<string | undefined> => REHEARSAL_API_KEY;
      const none = async (): Promise<string | undefined> => undefined;
      return {
        usable: new Set<ProviderId>(PROVIDERS),
        bedrock: { apiKey: dummy, awsAccessKeyId: none, awsSecretAccessKey: none, awsSessionToken: none, baseURL: active.url },
        vertex: { accessToken: dummy, baseURL: `${active.url}/v1` },
      };
    }
    const c = this.sources.credentials;
    return {
      usable: this.usable(),
      bedrock: { apiKey: c.bedrockApiKey, awsAccessKeyId: c.awsAccessKeyId, awsSecretAccessKey: c.awsSecretAccessKey, awsSessionToken: c.awsSessionToken },
      vertex: { accessToken: c.vertexAccessToken },
    };
  }
}

function rehearsalEndpoint(url: string): Endpoint {
  return { baseURL: url, headers: {}, apiKey: async () => REHEARSAL_API_KEY };
}
