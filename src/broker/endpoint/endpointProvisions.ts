// What the broker-hosted endpoint serves a token request with: the chain, providers and
// credentials the windows that want the endpoint sent (each resolved in its window: the key in
// its SecretStorage, its own AWS / Google set-up). Kept in memory only; the latest window that
// provides a credential wins (a window sends them again when its settings or keys change), and
// when it leaves the one before it takes over. With no window providing any credential, a token request has none — never the
// broker's own environment's (providers are built with ambientCredentials: false).
import type { ManagerConfig, ProviderConfig } from '../../core/contract';
import { defaultManagerConfig, validateManagerConfig } from '../../core/defaults';
import type { EndpointWantParams } from '../protocol';
import { fromWireConfig, withoutAmbientCredentials } from '../wireConfig';

interface Provision {
  readonly params: EndpointWantParams;
  readonly config: ManagerConfig;
}

export class EndpointProvisions<Owner> {
  /** In the order they were last sent: the last one serves. */
  private readonly byOwner = new Map<Owner, Provision>();
  /** The providers made for the latest provision (the same array while it stays the latest). */
  private made: { readonly from: Provision; readonly providers: readonly ProviderConfig[] | null } | null = null;

  /** The owner's provision, replacing the one it sent before; returns what validation changed. */
  set(owner: Owner, params: EndpointWantParams): string[] {
    const validated = validateManagerConfig(fromWireConfig(params.config, 'local endpoint'));
    this.byOwner.delete(owner);
    this.byOwner.set(owner, { params, config: withoutAmbientCredentials(validated.config) });
    return validated.problems.map((p) => p.message);
  }

  /** Returns whether the owner had one. */
  delete(owner: Owner): boolean {
    return this.byOwner.delete(owner);
  }

  has(owner: Owner): boolean {
    return this.byOwner.has(owner);
  }

  get size(): number {
    return this.byOwner.size;
  }

  owners(): Owner[] {
    return [...this.byOwner.keys()];
  }

  /** The history files the endpoint's traffic is recorded in. */
  historyFiles(): Set<string> {
    const files = new Set<string>();
    for (const { params } of this.byOwner.values()) if (params.historyFile !== null) files.add(params.historyFile);
    return files;
  }

  /** The settings of the endpoint's managers (retry, breakers, budgets): the latest window's. */
  base(): ManagerConfig {
    return this.latest()?.config ?? defaultManagerConfig();
  }

  models(): readonly string[] {
    return this.base().models;
  }

  upstreamBaseUrl(): string {
    return this.latest()?.params.upstreamBaseUrl ?? 'https://api.anthropic.com';
  }

  /**
   * The user's providers for token requests, each credential read from the latest provision when
   * a request asks for it (so a manager made earlier uses the newest key); null when no window
   * provides any credential.
   */
  userProviders(): readonly ProviderConfig[] | null {
    const latest = this.latest();
    if (!latest) return null;
    if (this.made?.from !== latest) this.made = { from: latest, providers: this.providersOf(latest) };
    return this.made.providers;
  }

  private providersOf(latest: Provision): readonly ProviderConfig[] | null {
    if (!hasCredential(latest)) return null;
    return latest.config.providers.map((provider, index) => {
      const callbacks: Record<string, () => string | undefined> = {};
      const current = (): Provision => {
        const newest = this.latest();
        return newest?.config.providers[index]?.id === provider.id ? newest : latest;
      };
      for (const [field, value] of Object.entries(provider)) {
        if (typeof value === 'function') callbacks[field] = () => current().params.secrets[index]?.[field];
      }
      return { ...provider, ...callbacks };
    });
  }

  /** The latest provision that carries a credential, else the latest one. */
  private latest(): Provision | undefined {
    const all = [...this.byOwner.values()];
    return all.findLast((provision) => hasCredential(provision)) ?? all.at(-1);
  }
}

function hasCredential(provision: Provision): boolean {
  return provision.params.secrets.some((secrets) => Object.keys(secrets).length > 0);
}
