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
//   AsyncLocalStorage: its promise hooks would tax every promise of the process. One manager per
//   credential (named by its keyed hash, credentialScope.ts, never by the secret): rate limits are
//   the key's, so a manager's holds, its breakers' `heldUntil` (a failure's retry-after) and its
//   events are those of its own key, and its SDK client stays made for that key.
// A request holds its manager from before its body is read until it has ended. A manager no
// request has held for UNUSED_ENDPOINT_MANAGER_MS is disposed (each model a client names and each
// change of settings makes one), except the one the user's own requests last used; the route
// state they ran on stays, and a later request makes a new one.
import type { CredentialRequest, ManagerConfig, ProviderConfig, RequestManager } from '../../core/contract';
import type { ManagerEvent } from '../../core/types';
import { credentialId } from '../../core/credentialScope';
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
  /** The clock of the sweep (Date.now unless a test sets one). */
  readonly now?: () => number;
}

/** A manager unused for this long (and holding no request) is disposed. */
export const UNUSED_ENDPOINT_MANAGER_MS = 30 * 60_000;
/** Unused managers are looked for at most this often (when a request asks for one). */
const SWEEP_EVERY_MS = 60_000;

/** One request's hold on its manager. */
export interface ManagerLease {
  readonly manager: Promise<RequestManager>;
  /** The request has ended: its credential is no longer lent, its manager may be swept in time. */
  release(): void;
}

interface Made {
  readonly manager: Promise<RequestManager>;
  /** Requests holding it now. */
  held: number;
  lastUsed: number;
  unsubscribe: (() => void) | null;
}

/** What a manager's key was last made from, so a request with the same settings skips the identity's hashing. */
interface KeyMemo {
  readonly base: ManagerConfig;
  readonly providers: readonly ProviderConfig[];
  readonly models: string;
  readonly key: string;
}

export class EndpointManagers {
  /** By configuration identity (settings without credentials), kind of credential and, for a
   *  client's own, the credential's keyed hash. */
  private readonly managers = new Map<string, Made>();
  private readonly keyMemos = new Map<RequestCredential['kind'], KeyMemo>();
  private clientProvidersMemo: { readonly baseURL: string; readonly providers: readonly ProviderConfig[] } | null = null;
  /** The client credentials of the requests running now, by their request ids. */
  private readonly lent = new Map<string, ClientCredential>();
  private readonly now: () => number;
  private lastSweep: number;
  /** A route's breaker transition or hold reaches every manager on that route (one per client
   *  credential and list of models): it is handed on once. */
  private readonly forwarded = new WeakSet<ManagerEvent>();
  private readonly forward = (event: ManagerEvent): void => {
    if (event.type === 'breaker' || event.type === 'hold') {
      if (this.forwarded.has(event)) return;
      this.forwarded.add(event);
    }
    this.options.onEvent(event);
  };

  constructor(private readonly options: EndpointManagersOptions) {
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
  }

  /**
   * The manager for this credential and these models, held for the request with this id (and
   * the client's own credential, when it sent one, lent to that request only) until the lease is
   * released, once the request has ended; null when the user has no provider.
   */
  acquire(credential: RequestCredential, models: readonly string[], clientRequestId: string): ManagerLease | null {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_EVERY_MS) this.sweep(now);
    const made = this.managerFor(credential, models);
    if (made === null) return null;
    made.held += 1;
    made.lastUsed = now;
    if (credential.kind === 'client') this.lent.set(clientRequestId, credential);
    let released = false;
    return {
      manager: made.manager,
      release: () => {
        if (released) return;
        released = true;
        made.held -= 1;
        made.lastUsed = this.now();
        if (credential.kind === 'client') this.lent.delete(clientRequestId);
      },
    };
  }

  /** How many managers are kept now (made, being made, or held). */
  get size(): number {
    return this.managers.size;
  }

  dispose(): void {
    for (const made of this.managers.values()) this.disposeMade(made);
    this.managers.clear();
    this.keyMemos.clear();
    this.lent.clear();
  }

  private managerFor(credential: RequestCredential, models: readonly string[]): Made | null {
    const providers = credential.kind === 'user' ? this.options.userProviders() : this.clientProviders();
    if (providers === null || providers.length === 0) return null;
    const base = this.options.base();
    const modelList = models.join('\n');
    const scope = credential.kind === 'client' ? clientScope(credential) : '';
    const memo = this.keyMemos.get(credential.kind);
    if (memo !== undefined && memo.base === base && memo.providers === providers && memo.models === modelList) {
      const known = this.managers.get(memo.key + scope);
      if (known) return known;
    }
    const config: ManagerConfig = { ...base, models: [...models], providers, clientName: 'local endpoint' };
    const settingsKey = `${credential.kind}:${configIdentity(toWireConfig(config))}`;
    this.keyMemos.set(credential.kind, { base, providers, models: modelList, key: settingsKey });
    const key = settingsKey + scope;
    const known = this.managers.get(key);
    if (known) return known;
    const made: Made = {
      manager: Promise.resolve(this.options.createManager(config)).then((manager) => {
        made.unsubscribe = manager.onEvent(this.forward);
        return manager;
      }),
      held: 0,
      lastUsed: this.now(),
      unsubscribe: null,
    };
    made.manager.catch(() => {
      if (this.managers.get(key) === made) this.managers.delete(key);
    });
    this.managers.set(key, made);
    return made;
  }

  /** Disposes the managers no request holds and none has used for a while, but the user's own. */
  private sweep(now: number): void {
    this.lastSweep = now;
    const usersOwn = this.keyMemos.get('user')?.key;
    for (const [key, made] of this.managers) {
      if (made.held > 0 || key === usersOwn || now - made.lastUsed < UNUSED_ENDPOINT_MANAGER_MS) continue;
      this.managers.delete(key);
      this.disposeMade(made);
    }
  }

  private disposeMade(made: Made): void {
    void made.manager.then(
      (manager) => {
        made.unsubscribe?.();
        manager.dispose();
      },
      () => undefined,
    );
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

/** The name of a client's credential (as the manager's routes name it), for its manager's key. */
function clientScope(credential: ClientCredential): string {
  return ` ${credentialId('apiKey' in credential ? credential.apiKey : credential.authToken)}`;
}

/** The client's credential as headers (for the relay of other paths). */
export function clientCredentialHeaders(credential: ClientCredential): Record<string, string> {
  return 'apiKey' in credential ? { 'x-api-key': credential.apiKey } : { authorization: `Bearer ${credential.authToken}` };
}
