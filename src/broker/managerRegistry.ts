// The broker's managers: one per configuration identity (see wireConfig.configIdentity), shared
// by every client attached with that configuration. Every manager runs on the one route state of
// the broker (core/sharedRoutes.ts): a route — endpoint + model — has one breaker, budget, hold
// and pacer for all clients whatever their chains, and the latest settings attached win for the
// shared policies. Each manager's events go to its clients and to the histories they named. A
// manager outlives its clients until it has been unused for a while or the broker exits; the
// route state outlives every manager.
import type { ManagerConfig, RelayManager } from '../core/contract';
import { createRequestManager } from '../core/requestManager';
import { defaultManagerConfig, validateManagerConfig } from '../core/defaults';
import { forgetChangedRoutes } from '../core/configChange';
import type { SharedRoutes } from '../core/sharedRoutes';
import { applySharedPolicies, createSharedRoutes } from '../core/sharedRoutes';
import type { BreakerSnapshot, ManagerEvent } from '../core/types';
import type { BrokerHistories } from './brokerHistories';
import type { WireManagerConfig } from './protocol';
import { configIdentity, fromWireConfig, withoutAmbientCredentials } from './wireConfig';

/** What the registry needs from a connected client. */
export interface ManagerSubscriber {
  sendEvent(managerId: string, event: ManagerEvent): void;
  sendBreakers(managerId: string, breakers: readonly BreakerSnapshot[]): void;
}

interface Entry {
  readonly manager: RelayManager;
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
      if (entry.subscribers.delete(subscriber)) entry.lastUsed = Date.now();
    }
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

  breakers(managerId: string): BreakerSnapshot[] {
    return this.entries.get(managerId)?.manager.breakers() ?? [];
  }

  /** Sends every client its manager's breakers (after a reset, which emits no event and reaches everyone). */
  publishBreakers(): void {
    for (const [managerId, entry] of this.entries) {
      if (entry.subscribers.size === 0) continue;
      const breakers = entry.manager.breakers();
      for (const subscriber of entry.subscribers.keys()) subscriber.sendBreakers(managerId, breakers);
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
    const breakers = event.type === 'breaker' ? entry.manager.breakers() : null;
    for (const subscriber of entry.subscribers.keys()) {
      if (breakers) subscriber.sendBreakers(managerId, breakers);
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
