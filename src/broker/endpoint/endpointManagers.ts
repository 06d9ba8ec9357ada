// The managers behind the endpoint, all on the user's one route state (breakers, retry budgets,
// holds, pacing, hedging and the concurrency limit are shared with every window and every other
// client): `createManager` makes them on the broker's shared routes (serve) or through the
// window's broker client (the editor). One manager per kind of credential and list of models
// (see modelChain.ts):
// - 'user': the user's own providers (stored key, provider chains), for a client that sent the
//   endpoint's token;
// - 'client': Anthropic's API at the endpoint's upstream URL with the client's own credential,
//   which exists only while its request runs, found by the request's own id when the manager
//   asks for that request's credential (never stored, never lent to another request). No
//   AsyncLocalStorage: its promise hooks would tax every promise of the process.
import type { CredentialRequest, ManagerConfig, ProviderConfig, RequestManager } from '../../core/contract';
import type { ManagerEvent } from '../../core/types';
import { configIdentity, toWireConfig } from '../wireConfig';
import type { RequestCredential } from './requestGuard';

type ClientCredential = Exclude<RequestCredential, { kind: 'user' }>;

export interface EndpointManagersOptions {
  /** Makes a manager on the user's shared route state. */
  readonly createManager: (config: ManagerConfig) => RequestManager | Promise<RequestManager>;
  /** Retry, breaker, budget, pacing and tail settings (its models and providers are replaced); read per request. */
  readonly base: () => ManagerConfig;
  /** Anthropic's API (or the simulator in tests), for clients' own credentials; read per request. */
  readonly upstreamBaseUrl: () => string;
  /** The user's providers, with their own credential callbacks; null when none is known. */
  readonly userProviders: () => readonly ProviderConfig[] | null;
  readonly onEvent: (event: ManagerEvent) => void;
}

/** What a manager's key was last made from, so a request with the same settings skips the identity's hashing. */
interface KeyMemo {
  readonly base: ManagerConfig;
  readonly providers: readonly ProviderConfig[];
  readonly models: string;
  readonly key: string;
}

export class EndpointManagers {
  /** By configuration identity (settings without credentials) and kind of credential. */
  private readonly managers = new Map<string, Promise<RequestManager>>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly keyMemos = new Map<RequestCredential['kind'], KeyMemo>();
  private clientProvidersMemo: { readonly baseURL: string; readonly providers: readonly ProviderConfig[] } | null = null;
  /** The client credentials of the requests running now, by their request ids. */
  private readonly lent = new Map<string, ClientCredential>();

  constructor(private readonly options: EndpointManagersOptions) {}

  /** The manager for this credential and these models, or null when the user has no provider. */
  managerFor(credential: RequestCredential, models: readonly string[]): Promise<RequestManager> | null {
    const providers = credential.kind === 'user' ? this.options.userProviders() : this.clientProviders();
    if (providers === null || providers.length === 0) return null;
    const base = this.options.base();
    const modelList = models.join('\n');
    const memo = this.keyMemos.get(credential.kind);
    if (memo !== undefined && memo.base === base && memo.providers === providers && memo.models === modelList) {
      const known = this.managers.get(memo.key);
      if (known) return known;
    }
    const config: ManagerConfig = { ...base, models: [...models], providers, clientName: 'local endpoint' };
    const key = `${credential.kind}:${configIdentity(toWireConfig(config))}`;
    this.keyMemos.set(credential.kind, { base, providers, models: modelList, key });
    const known = this.managers.get(key);
    if (known) return known;
    const manager = Promise.resolve(this.options.createManager(config)).then((made) => {
      this.unsubscribers.push(made.onEvent(this.options.onEvent));
      return made;
    });
    manager.catch(() => this.managers.delete(key));
    this.managers.set(key, manager);
    return manager;
  }

  /** Lends the client's own credential (when it sent one) to its request with this id, until the
   *  returned release is called (once the request has ended). */
  lend(credential: RequestCredential, clientRequestId: string): () => void {
    if (credential.kind !== 'client') return () => undefined;
    this.lent.set(clientRequestId, credential);
    return () => this.lent.delete(clientRequestId);
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    for (const manager of this.managers.values()) void manager.then((made) => made.dispose(), () => undefined);
    this.managers.clear();
    this.keyMemos.clear();
    this.lent.clear();
  }

  /** The same list while the upstream URL stays (so the key memo above holds). */
  private clientProviders(): readonly ProviderConfig[] {
    const baseURL = this.options.upstreamBaseUrl();
    if (this.clientProvidersMemo?.baseURL !== baseURL) this.clientProvidersMemo = { baseURL, providers: this.makeClientProviders(baseURL) };
    return this.clientProvidersMemo.providers;
  }

  private lentTo(request: CredentialRequest | undefined): ClientCredential | undefined {
    return request === undefined ? undefined : this.lent.get(request.clientRequestId);
  }

  private makeClientProviders(baseURL: string): readonly ProviderConfig[] {
    return [
      {
        id: 'anthropic',
        baseURL,
        apiKey: (request?: CredentialRequest) => {
          const credential = this.lentTo(request);
          return credential && 'apiKey' in credential ? credential.apiKey : undefined;
        },
        authToken: (request?: CredentialRequest) => {
          const credential = this.lentTo(request);
          return credential && 'authToken' in credential ? credential.authToken : undefined;
        },
      },
    ];
  }
}

/** The client's credential as headers (for the relay of other paths). */
export function clientCredentialHeaders(credential: ClientCredential): Record<string, string> {
  return 'apiKey' in credential ? { 'x-api-key': credential.apiKey } : { authorization: `Bearer ${credential.authToken}` };
}
