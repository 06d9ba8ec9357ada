// The managers behind the endpoint, all on the broker's one route state (breakers, retry budgets,
// holds, pacing, hedging and the concurrency limit are shared with every window and every other
// client). One manager per kind of credential and list of models (see modelChain.ts):
// - 'user': the user's own providers (stored key, provider chains), for a client that sent the
//   endpoint's token;
// - 'client': Anthropic's API at the endpoint's upstream URL with the client's own credential,
//   which exists only in the scope of its request (never stored, never lent to another request).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ManagerConfig, ProviderConfig, RequestManager } from '../../core/contract';
import { createRequestManager } from '../../core/requestManager';
import type { SharedRoutes } from '../../core/sharedRoutes';
import type { ManagerEvent } from '../../core/types';
import type { RequestCredential } from './requestGuard';

type ClientCredential = Exclude<RequestCredential, { kind: 'user' }>;

const scope = new AsyncLocalStorage<ClientCredential>();

export interface EndpointManagersOptions {
  readonly shared: SharedRoutes;
  /** Retry, breaker, budget, pacing and tail settings (its models and providers are replaced). */
  readonly base: ManagerConfig;
  /** Anthropic's API (or the simulator in tests), for clients' own credentials. */
  readonly upstreamBaseUrl: string;
  /** The user's providers, with their own credential callbacks; null when none is known. */
  readonly userProviders: () => readonly ProviderConfig[] | null;
  readonly onEvent: (event: ManagerEvent) => void;
}

export class EndpointManagers {
  private readonly managers = new Map<string, { readonly manager: RequestManager; readonly providers: readonly ProviderConfig[] }>();
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly options: EndpointManagersOptions) {}

  /** The manager for this credential and these models, or null when the user has no provider. */
  managerFor(credential: RequestCredential, models: readonly string[]): RequestManager | null {
    const providers = credential.kind === 'user' ? this.options.userProviders() : this.clientProviders();
    if (providers === null || providers.length === 0) return null;
    const key = JSON.stringify([credential.kind, models]);
    const known = this.managers.get(key);
    if (known && known.providers === providers) return known.manager;
    known?.manager.dispose();
    const config: ManagerConfig = { ...this.options.base, models: [...models], providers, clientName: 'local endpoint' };
    const manager = createRequestManager(config, this.options.shared);
    this.unsubscribers.push(manager.onEvent(this.options.onEvent));
    this.managers.set(key, { manager, providers });
    return manager;
  }

  /** Runs `fn` (which starts a request) with the client's own credential in scope, when it sent one. */
  withCredential<T>(credential: RequestCredential, fn: () => T): T {
    return credential.kind === 'client' ? scope.run(credential, fn) : fn();
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    for (const { manager } of this.managers.values()) manager.dispose();
    this.managers.clear();
  }

  private clientProvidersCache: readonly ProviderConfig[] | null = null;

  private clientProviders(): readonly ProviderConfig[] {
    this.clientProvidersCache ??= [
      {
        id: 'anthropic',
        baseURL: this.options.upstreamBaseUrl,
        apiKey: () => {
          const credential = scope.getStore();
          return credential && 'apiKey' in credential ? credential.apiKey : undefined;
        },
        authToken: () => {
          const credential = scope.getStore();
          return credential && 'authToken' in credential ? credential.authToken : undefined;
        },
      },
    ];
    return this.clientProvidersCache;
  }
}

/** The client's credential in scope (for the relay of other paths). */
export function clientCredentialHeaders(credential: ClientCredential): Record<string, string> {
  return 'apiKey' in credential ? { 'x-api-key': credential.apiKey } : { authorization: `Bearer ${credential.authToken}` };
}
