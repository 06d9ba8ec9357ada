// The broker's managers: one per configuration identity (see wireConfig.configIdentity), shared
// by every client attached with that configuration. Every manager runs on the one route state of
// the broker (core/sharedRoutes.ts): a route — endpoint + model — has one breaker, budget, hold
// and pacer for all clients whatever their chains, and the latest settings attached win for the
// shared policies. Each manager's events go to its clients and to the histories they named. A
// manager outlives its clients until it has been unused for a while or the broker exits; the
// route state outlives every manager. A client names its credentials when it joins (`claim`), so
// the rate-limit holds on them — met by another window or a client of the local endpoint — show
// in its breakers before it sends anything, and another key's holds do not, even on the same
// manager (each client is sent its own view); its claim goes when it leaves the manager.
import type { CredentialClaims, ManagerConfig, RelayManager } from '../core/contract';
import { newClientRequestId } from '../core/clientRequestId';
import { createRequestManager } from '../core/requestManager';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import { forgetChangedRoutes } from '../core/configChange';
import type { SharedRoutes } from '../core/sharedRoutes';
import { applySharedPolicies, createSharedRoutes } from '../core/sharedRoutes';
import type { BreakerSnapshot, ManagerEvent } from '../core/types';
import type { BrokerHistories } from './brokerHistories';
import type { ProviderSecrets, WireManagerConfig } from './protocol';
import { configIdentity, fromWireConfig, lendSecrets, withoutAmbientCredentials } from './wireConfig';

/** What the registry needs from a connected client. */
export interface ManagerSubscriber {
  sendEvent(managerId: string, event: ManagerEvent): void;
  sendBreakers(managerId: string, breakers: readonly BreakerSnapshot[]): void;
}

interface Entry {
  readonly manager: RelayManager & CredentialClaims;
  readonly config: ManagerConfig;
  readonly subscribers: Map<ManagerSubscriber, string | null>;
  inFlight: number;
  lastUsed: number;
  readonly unsubscribe: () => void;
}

/** A manager no client has used for this long is disposed (the settings it was made for are gone). */
const UNUSED_MANAGER_MS = 15 * 60_000;

export class ManagerRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Each subscriber's name as a claimant of credentials. */
  private readonly claimants = new WeakMap<ManagerSubscriber, string>();
  private nextClaimant = 1;
  /** The route state every manager shares (breakers, budgets, holds, pacing, tail, limiter). */
  readonly shared: SharedRoutes = createSharedRoutes(defaultManagerConfig());

  constructor(
    private readonly histories: BrokerHistories,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Joins (or creates) the manager for this configuration, leaving the one the subscriber was
   * on; returns its id and what validation changed. Its settings become the shared policies
   * (the latest win); a subscriber that changed its settings makes the routes they change
   * forget their holds and unknown models.
   */
  attach(subscriber: ManagerSubscriber, wire: WireManagerConfig, historyFile: string | null, clientName: string): { managerId: string; problems: string[] } {
    this.sweep();
    const managerId = configIdentity(wire);
    const previous = [...this.entries.values()].find((e) => e.subscribers.has(subscriber)) ?? null;
    this.detach(subscriber);
    let entry = this.entries.get(managerId);
    let problems: string[] = [];
    if (entry) {
      applySharedPolicies(this.shared, entry.config);
    } else {
      const validated = validateManagerConfig(fromWireConfig(wire, `${clientName} via broker`));
      problems = validated.problems.map((p) => p.message);
      const config = withoutAmbientCredentials(validated.config);
      const manager = createRequestManager(config, this.shared);
      const created: Entry = {
        manager,
        config,
        subscribers: new Map(),
        inFlight: 0,
        lastUsed: Date.now(),
        unsubscribe: manager.onEvent((event) => this.broadcast(managerId, created, event)),
      };
      entry = created;
      this.entries.set(managerId, entry);
      this.log(`Manager ${managerId} created (${validated.config.models.join(' → ')} on ${validated.config.providers.map((p) => p.id).join(', ')}).`);
    }
    if (previous !== null && previous !== entry) forgetChangedRoutes(this.shared.store, previous.config, entry.config);
    entry.subscribers.set(subscriber, historyFile);
    entry.lastUsed = Date.now();
    return { managerId, problems };
  }

  /** The subscriber leaves every manager it joined (and this one only, when named). */
  detach(subscriber: ManagerSubscriber, managerId?: string): void {
    for (const [id, entry] of this.entries) {
      if (managerId !== undefined && id !== managerId) continue;
      if (!entry.subscribers.delete(subscriber)) continue;
      entry.lastUsed = Date.now();
      entry.manager.releaseCredentials(this.claimantOf(subscriber));
    }
  }

  /**
   * The subscriber's credentials (per provider of its manager, as a request carries them) are
   * its own: named by the manager (an HMAC), lent for that only. Returns its manager's breakers,
   * now with the holds on them; null when it is not attached to that manager.
   */
  async claim(subscriber: ManagerSubscriber, managerId: string, secrets: ProviderSecrets): Promise<BreakerSnapshot[] | null> {
    const entry = this.entries.get(managerId);
    if (!entry?.subscribers.has(subscriber)) return null;
    const clientRequestId = newClientRequestId();
    const release = lendSecrets(clientRequestId, secrets);
    if (release === null) return this.viewOf(entry, subscriber);
    try {
      await entry.manager.claimCredentials(this.claimantOf(subscriber), { clientRequestId });
    } finally {
      release();
    }
    // It may have left while its credentials were named.
    if (!entry.subscribers.has(subscriber)) entry.manager.releaseCredentials(this.claimantOf(subscriber));
    return this.viewOf(entry, subscriber);
  }

  /** The credentials of one of the subscriber's requests (lent under its id now) are its own
   *  too: a provider chain may have rotated them since it joined. A new one's holds are sent. */
  async claimRequest(subscriber: ManagerSubscriber, managerId: string, clientRequestId: string): Promise<void> {
    const entry = this.entries.get(managerId);
    if (!entry?.subscribers.has(subscriber)) return;
    if (await entry.manager.claimCredentials(this.claimantOf(subscriber), { clientRequestId }, true)) subscriber.sendBreakers(managerId, this.viewOf(entry, subscriber));
  }

  /** The manager's breakers as this subscriber sees them (the holds on its own credentials). */
  private viewOf(entry: Entry, subscriber: ManagerSubscriber): BreakerSnapshot[] {
    return entry.manager.breakersOf(this.claimantOf(subscriber));
  }

  private claimantOf(subscriber: ManagerSubscriber): string {
    let claimant = this.claimants.get(subscriber);
    if (claimant === undefined) {
      claimant = `subscriber-${this.nextClaimant++}`;
      this.claimants.set(subscriber, claimant);
    }
    return claimant;
  }

  manager(managerId: string, subscriber: ManagerSubscriber): RelayManager | null {
    const entry = this.entries.get(managerId);
    return entry && entry.subscribers.has(subscriber) ? entry.manager : null;
  }

  /** Counts a request in flight on the manager (it is kept while any runs); call the result when it ends. */
  track(managerId: string): () => void {
    const entry = this.entries.get(managerId);
    if (!entry) return () => undefined;
    entry.inFlight += 1;
    return () => {
      entry.inFlight -= 1;
      entry.lastUsed = Date.now();
    };
  }

  /** The breakers of the manager, as this subscriber sees them. */
  breakers(managerId: string, subscriber: ManagerSubscriber): BreakerSnapshot[] {
    const entry = this.entries.get(managerId);
    return entry ? this.viewOf(entry, subscriber) : [];
  }

  /** Sends every client its manager's breakers (after a reset, which emits no event and reaches everyone). */
  publishBreakers(): void {
    for (const [managerId, entry] of this.entries) {
      for (const subscriber of entry.subscribers.keys()) subscriber.sendBreakers(managerId, this.viewOf(entry, subscriber));
    }
  }

  disposeAll(): void {
    for (const [id, entry] of this.entries) {
      entry.unsubscribe();
      entry.manager.dispose();
      this.entries.delete(id);
    }
  }

  private broadcast(managerId: string, entry: Entry, event: ManagerEvent): void {
    const files = new Set<string>();
    for (const file of entry.subscribers.values()) if (file !== null) files.add(file);
    this.histories.record(files, event);
    for (const subscriber of entry.subscribers.keys()) {
      if (event.type !== 'breaker' && event.type !== 'hold') {
        subscriber.sendEvent(managerId, event);
        continue;
      }
      // A hold changes what the breakers show too (heldUntil): clients read it from them. A
      // client hears of a hold only when it is one it sees (on the route, or on its credential).
      const breakers = this.viewOf(entry, subscriber);
      if (event.type === 'hold' && event.until !== null && !breakers.some((b) => b.provider === event.provider && b.model === event.model && b.heldUntil === event.until)) continue;
      subscriber.sendBreakers(managerId, breakers);
      subscriber.sendEvent(managerId, event);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.subscribers.size > 0 || entry.inFlight > 0 || now - entry.lastUsed < UNUSED_MANAGER_MS) continue;
      entry.unsubscribe();
      entry.manager.dispose();
      this.entries.delete(id);
      this.log(`Manager ${id} disposed (unused for ${UNUSED_MANAGER_MS / 60_000} min).`);
    }
  }
}
