// The host of the extension's request managers: the live one (created on first use, so
// activation does not load the SDK; on the user's shared broker when sharing is on) and
// an overload rehearsal's own (its own breakers, holds, budgets and unknown models),
// which is disposed when the rehearsal stops — aborting its requests — and whose events
// are recorded apart (HistoryHost.recordRehearsal): nothing simulated reaches real
// traffic's state. It keeps both in step with the settings and the credentials.
// Where requests go is `routes` (RouteConfiguration, pure); what happened to them is
// `observer` (ServedObserver: log, history, "served by").
import * as vscode from 'vscode';
import type { RequestManager } from '../core/contract';
import { newClientRequestId } from '../core/clientRequestId';
import type { BreakerSnapshot, ClaudeRequest, RequestEvent, RequestStream, Route } from '../core/types';
import type { ApiKeyStore } from './apiKeyStore';
import type { HistoryHost } from './historyHost';
import type { ProviderCredentials } from './providerCredentials';
import type { RehearsalController } from './rehearsal';
import { RouteConfiguration } from './routeConfiguration';
import { ServedObserver } from './servedObserver';
import { modelChain } from './settings';
import type { SettingsWatcher } from './settingsWatcher';
import type { WindowBroker } from './broker/windowBroker';
import type { Sharing } from '../broker/client/sharedManager';
import { EDITOR_CLIENT } from '../core/requestClient';

export class ClaudeClient implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly healthChanged = new vscode.EventEmitter<void>();
  private manager: RequestManager | null = null;
  private creating: Promise<RequestManager> | null = null;
  private unsubscribeManager: (() => void) | null = null;
  /** The running rehearsal's own manager, for its simulator only. */
  private rehearsalManager: { readonly url: string; readonly manager: RequestManager; readonly unsubscribe: () => void } | null = null;
  private primarySeen: string;
  private chainSeen: string;

  /** Where requests go: providers, chain, endpoint, configuration. */
  readonly routes: RouteConfiguration;
  /** What the managers report: every event, the last request ids, "served by". */
  readonly observer: ServedObserver;
  /** Breakers, the model chain, the served model or the rehearsal changed. */
  readonly onDidChangeHealth = this.healthChanged.event;

  constructor(
    settings: SettingsWatcher,
    private readonly keys: ApiKeyStore,
    private readonly credentials: ProviderCredentials,
    private readonly rehearsal: RehearsalController,
    private readonly history: HistoryHost,
    private readonly log: vscode.LogOutputChannel,
    clientName: string,
    private readonly broker?: WindowBroker,
  ) {
    this.routes = new RouteConfiguration({
      settings: () => settings.settings,
      apiKey: () => keys.get(),
      credentials,
      rehearsal: () => rehearsal.active,
      clientName,
    });
    this.observer = new ServedObserver(history, log, () => this.healthChanged.fire());
    if (broker) this.disposables.push(broker.onDidChange(() => this.healthChanged.fire()));
    this.primarySeen = settings.settings.model;
    this.chainSeen = modelChain(settings.settings).join(' ');
    this.disposables.push(
      this.observer,
      this.healthChanged,
      settings.onDidChange((s) => {
        // A new primary (Switch Model, or the setting edited) starts over: "served from" was about the old chain.
        if (s.model !== this.primarySeen) {
          this.primarySeen = s.model;
          this.observer.forgetServed();
        }
        const chain = modelChain(s).join(' ');
        if (chain !== this.chainSeen) {
          this.chainSeen = chain;
          // A running rehearsal plays its roles on the new chain.
          void this.rehearsal.recast().catch((error: unknown) => this.log.warn(`Rehearsal not re-cast: ${String(error)}`));
        }
        this.reconfigure('settings');
      }),
      // Another key is another credential (its own rate limits): the manager hears of it even when a key was set before.
      keys.onDidChange(() => void this.refreshCredentials(true)),
      credentials.onDidChange(() => this.reconfigure('credentials')),
      rehearsal.onDidChange((active) => {
        if (active !== null && this.history.rehearsalScenario === null) this.observer.rehearsalBegins();
        this.history.setRehearsal(active?.scenario ?? null);
        this.observer.forgetServed();
        // A new or stopped rehearsal: its manager (and every request on it) goes; real routes keep their state.
        if (this.rehearsalManager?.url !== active?.url) this.disposeRehearsalManager();
        this.log.info(`Rehearsal ${active ? `"${active.scenario}" on its own manager` : 'stopped'}; ${this.routes.describeRoute()}.`);
        this.healthChanged.fire();
      }),
    );
  }

  /** Reads which credentials are set (at startup; the stores report later changes); `keyChanged`: the stored key did. */
  async refreshCredentials(keyChanged = false): Promise<void> {
    const changed = this.routes.noteAnthropicKey(await this.keys.has());
    await this.credentials.refresh();
    if (changed || keyChanged) this.reconfigure('credentials');
  }

  /** Whether requests run on the user's shared broker (null: sharing is off). */
  get sharing(): Sharing | null {
    return this.broker?.sharing ?? null;
  }

  /** Joins the shared broker now (not at the first request), so other windows' breakers show at once. */
  connectShared(): void {
    if (this.broker) void this.ensureManager().catch((error: unknown) => this.log.warn(`Request manager: ${String(error)}`));
  }

  /** True when a request could be sent now: a configured provider has credentials, or a rehearsal is running. */
  async canSend(): Promise<boolean> {
    if (this.rehearsal.active !== null) return true;
    await this.refreshCredentials();
    return this.routes.hasCredentials();
  }

  /** Streams a request; `onEvent` hears this request's own events (attempts, waits, moves, stalls, its end).
   *  `client` names the part of the editor that asks, in the failure log (the chat says so; commands are the editor's).
   *  Its callers read the text or the typed parts, opened after this returns: the manager is told so up
   *  front (a shared broker then sends parts, and a break redoes what no part has shown yet). */
  async stream(request: ClaudeRequest, signal: AbortSignal, onEvent?: (event: RequestEvent) => void, client: string = EDITOR_CLIENT): Promise<RequestStream> {
    const active = this.rehearsal.active;
    const manager = active ? await this.ensureRehearsalManager(active.url) : await this.ensureManager();
    const id = newClientRequestId();
    this.observer.requestStarts(id);
    // The rehearsal's first request starts its scenario's clock.
    if (active) this.rehearsal.noteRequest();
    return manager.stream(request, { signal, priority: 'interactive', clientRequestId: id, client, reads: 'parts', ...(onEvent ? { onEvent } : {}) });
  }

  /** Breaker states for the current routes (each model on each provider, in the order tried), closed for routes not used yet. */
  breakers(): BreakerSnapshot[] {
    return this.routes.breakerView(this.current()?.breakers() ?? []);
  }

  /** Resets every breaker (and forgets demotions), or only one route's (the diagnostics panel's card). */
  resetBreakers(route?: Route): void {
    // Forget demotions first: the chain (and with a shared broker, the manager) the reset must reach is the one used next.
    if (this.routes.forgetDemotions(route?.model)) this.reconfigure('breakers reset');
    this.current()?.resetBreakers(route);
    this.observer.forgetServed();
    this.healthChanged.fire();
  }

  /** "Use Fallback Now": send requests to the next model until breakers are reset or the model is switched. */
  demote(model: string): void {
    this.routes.demote(model);
    this.log.info(`Requests avoid ${model} for now (moved to the end of the chain).`);
    this.reconfigure('fallback chosen');
    this.healthChanged.fire();
  }

  /** The model was switched by the user: forget demotions so the choice applies as made. */
  clearDemotions(): void {
    this.observer.forgetServed();
    if (this.routes.forgetDemotions()) this.reconfigure('model switched');
    else this.healthChanged.fire();
  }

  /** The manager new work goes to now, if it exists yet. */
  private current(): RequestManager | null {
    return (this.rehearsal.active ? this.rehearsalManager?.manager : this.manager) ?? null;
  }

  private async ensureRehearsalManager(url: string): Promise<RequestManager> {
    if (this.rehearsalManager?.url === url) return this.rehearsalManager.manager;
    const { createRequestManager } = await import('../core/requestManager.js');
    if (this.rehearsalManager?.url === url) return this.rehearsalManager.manager;
    this.disposeRehearsalManager();
    const manager = createRequestManager(this.routes.rehearsalConfig(url));
    const unsubscribe = manager.onEvent((event) => this.observer.observe(event, true));
    this.rehearsalManager = { url, manager, unsubscribe };
    return manager;
  }

  /** Stops the rehearsal's manager: its requests are aborted and its state is dropped. */
  private disposeRehearsalManager(): void {
    const rehearsal = this.rehearsalManager;
    if (!rehearsal) return;
    this.rehearsalManager = null;
    rehearsal.manager.dispose();
    // Its last events (the aborted requests ending) still go to the rehearsal's history.
    setTimeout(() => rehearsal.unsubscribe(), 5_000).unref?.();
  }

  private ensureManager(): Promise<RequestManager> {
    if (this.manager) return Promise.resolve(this.manager);
    this.creating ??= (async () => {
      // Loaded on first use: the SDK is the heaviest part of the extension.
      const { createRequestManager } = await import('../core/requestManager.js');
      const config = this.routes.liveConfig();
      const manager = this.broker ? await this.broker.createManager(config) : createRequestManager(config);
      this.unsubscribeManager = manager.onEvent((event) => this.observer.observe(event, false));
      this.manager = manager;
      this.log.info(`Request manager ready; ${this.routes.describeRoute()}.`);
      return manager;
    })();
    this.creating.catch(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private reconfigure(reason: string): void {
    if (this.rehearsalManager) this.rehearsalManager.manager.updateConfig(this.routes.rehearsalConfig(this.rehearsalManager.url));
    if (!this.manager) {
      this.healthChanged.fire();
      return;
    }
    this.manager.updateConfig(this.routes.liveConfig());
    this.log.info(`Configuration applied (${reason}); ${this.routes.describeRoute()}.`);
    this.healthChanged.fire();
  }

  dispose(): void {
    this.disposeRehearsalManager();
    this.unsubscribeManager?.();
    this.manager?.dispose();
    this.manager = null;
    for (const d of this.disposables) d.dispose();
  }
}
