// The extension's request manager: created on first use (so activation does not
// load the SDK), kept in step with the settings and the credentials, and observed:
// every event is logged, recorded in the history and re-emitted for the status bar
// and progress notifications. An overload rehearsal runs on a manager of its own
// (its own breakers, holds, budgets and unknown models) that is disposed when the
// rehearsal stops — which aborts its requests — and whose events are recorded apart
// (HistoryHost.recordRehearsal): nothing simulated reaches real traffic's state.
import * as vscode from 'vscode';
import type { ManagerConfig, RequestManager } from '../core/contract';
import { newClientRequestId } from '../core/clientRequestId';
import { defaultManagerConfig } from '../core/defaults';
import type { BreakerSnapshot, ClaudeRequest, ManagerEvent, ProviderId, RequestStream, Route } from '../core/types';
import type { ApiKeyStore } from './apiKeyStore';
import type { HistoryHost } from './historyHost';
import { buildManagerConfig, effectiveChain, endpointFromSettings, providerConfigs } from './managerConfig';
import type { Endpoint, ProviderAccess } from './managerConfig';
import type { ProviderCredentials } from './providerCredentials';
import { REHEARSAL_API_KEY } from './rehearsal';
import type { RehearsalController } from './rehearsal';
import { modelChain } from './settings';
import type { SettingsWatcher } from './settingsWatcher';
import type { WindowBroker } from './broker/windowBroker';
import type { Sharing } from '../broker/client/sharedManager';

export class ClaudeClient implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly events = new vscode.EventEmitter<ManagerEvent>();
  private readonly healthChanged = new vscode.EventEmitter<void>();
  private manager: RequestManager | null = null;
  private creating: Promise<RequestManager> | null = null;
  private unsubscribeManager: (() => void) | null = null;
  /** The running rehearsal's own manager, for its simulator only. */
  private rehearsalManager: { readonly url: string; readonly manager: RequestManager; readonly unsubscribe: () => void } | null = null;
  private readonly demoted = new Set<string>();
  private readonly warnedModels = new Set<string>();
  private lastRequestIdSeen: string | null = null;
  private lastRehearsalRequestIdSeen: string | null = null;
  /** The model and provider that answered the last successful request (both from that request's events). */
  private served: { readonly model: string; readonly provider: ProviderId } | null = null;
  /** The provider of each request's last successful attempt, until its 'request' event arrives. */
  private readonly answeredOn = new Map<string, ProviderId>();
  /** Counts resets of "served from"; a request started before the last reset (Switch Model) does not set it again. */
  private servedEpoch = 0;
  private readonly startedInEpoch = new Map<string, number>();
  private primarySeen: string;
  private chainSeen: string;
  private anthropicKeySet = false;

  /** Every manager event, as it happens. */
  readonly onEvent = this.events.event;
  /** Breakers, the model chain, the served model or the rehearsal changed. */
  readonly onDidChangeHealth = this.healthChanged.event;

  constructor(
    private readonly settings: SettingsWatcher,
    private readonly keys: ApiKeyStore,
    private readonly credentials: ProviderCredentials,
    private readonly rehearsal: RehearsalController,
    private readonly history: HistoryHost,
    private readonly log: vscode.LogOutputChannel,
    private readonly clientName: string,
    private readonly broker?: WindowBroker,
  ) {
    if (broker) this.disposables.push(broker.onDidChange(() => this.healthChanged.fire()));
    this.primarySeen = settings.settings.model;
    this.chainSeen = modelChain(settings.settings).join(' ');
    this.disposables.push(
      this.events,
      this.healthChanged,
      settings.onDidChange((s) => {
        // A new primary (Switch Model, or the setting edited) starts over: "served from" was about the old chain.
        if (s.model !== this.primarySeen) {
          this.primarySeen = s.model;
          this.forgetServed();
        }
        const chain = modelChain(s).join(' ');
        if (chain !== this.chainSeen) {
          this.chainSeen = chain;
          // A running rehearsal plays its roles on the new chain.
          void this.rehearsal.recast().catch((error: unknown) => this.log.warn(`Rehearsal not re-cast: ${String(error)}`));
        }
        this.reconfigure('settings');
      }),
      keys.onDidChange(() => void this.refreshCredentials()),
      credentials.onDidChange(() => this.reconfigure('credentials')),
      rehearsal.onDidChange((active) => {
        if (active !== null && this.history.rehearsalScenario === null) this.lastRehearsalRequestIdSeen = null;
        this.history.setRehearsal(active?.scenario ?? null);
        this.forgetServed();
        // A new or stopped rehearsal: its manager (and every request on it) goes; real routes keep their state.
        if (this.rehearsalManager?.url !== active?.url) this.disposeRehearsalManager();
        this.log.info(`Rehearsal ${active ? `"${active.scenario}" on its own manager` : 'stopped'}; ${this.describeRoute()}.`);
        this.healthChanged.fire();
      }),
    );
  }

  /** Reads which credentials are set (at startup; the stores report later changes). */
  async refreshCredentials(): Promise<void> {
    const had = this.anthropicKeySet;
    this.anthropicKeySet = await this.keys.has();
    await this.credentials.refresh();
    if (had !== this.anthropicKeySet) this.reconfigure('credentials');
  }

  /** Whether requests run on the user's shared broker (null: sharing is off). */
  get sharing(): Sharing | null {
    return this.broker?.sharing ?? null;
  }

  /** Joins the shared broker now (not at the first request), so other windows' breakers show at once. */
  connectShared(): void {
    if (this.broker) void this.ensureManager().catch((error: unknown) => this.log.warn(`Request manager: ${String(error)}`));
  }

  /** The providers requests fail over between, in order (the configured ones that can be used now). */
  get providers(): ProviderId[] {
    return providerConfigs(this.settings.settings, this.endpoint(), this.access(this.rehearsal.active)).map((p) => p.id);
  }

  /** The provider that answered the last successful request, null before any. */
  get lastServedProvider(): ProviderId | null {
    return this.served?.provider ?? null;
  }

  /** The model chain requests will try, primary first. */
  get chain(): string[] {
    return effectiveChain(this.settings.settings, this.demoted);
  }

  get primaryModel(): string {
    return this.settings.settings.model;
  }

  /** The server request id of the last real (not rehearsal) attempt in this window. */
  get lastRequestId(): string | null {
    return this.lastRequestIdSeen;
  }

  /** The simulator's request id of the last attempt in the running rehearsal, or null. */
  get lastRehearsalRequestId(): string | null {
    return this.rehearsal.active === null ? null : this.lastRehearsalRequestIdSeen;
  }

  get lastServedModel(): string | null {
    return this.served?.model ?? null;
  }

  /** Models set aside by "Use Fallback Now" (tried last). */
  get demotedModels(): string[] {
    return [...this.demoted];
  }

  /** The scenario of the running overload rehearsal, or null for real traffic. */
  get rehearsalScenario(): string | null {
    return this.rehearsal.active?.scenario ?? null;
  }

  /** The rehearsal simulator's status page while a rehearsal runs, else null. */
  get rehearsalStatusPageUrl(): string | null {
    return this.rehearsal.active?.statusPageUrl ?? null;
  }

  /** Where requests go right now (the rehearsal simulator while one runs). */
  endpoint(): Endpoint {
    const active = this.rehearsal.active;
    if (active) return this.rehearsalEndpoint(active.url);
    return this.liveEndpoint();
  }

  /** The configured API, rehearsal or not. */
  liveEndpoint(): Endpoint {
    return endpointFromSettings(this.settings.settings, () => this.keys.get());
  }

  /** The running rehearsal's simulator at `url`, or null when none runs there (any more). */
  rehearsalAt(url: string): Endpoint | null {
    return this.rehearsal.active?.url === url ? this.rehearsalEndpoint(url) : null;
  }

  /** Where new work goes right now: "live", or the running rehearsal's simulator URL. */
  get rehearsalUrl(): string | null {
    return this.rehearsal.active?.url ?? null;
  }

  private rehearsalEndpoint(url: string): Endpoint {
    return { baseURL: url, headers: {}, apiKey: async () => REHEARSAL_API_KEY };
  }

  /** True when a configured provider has credentials (as last read). */
  hasCredentials(): boolean {
    const usable = this.usable();
    return this.settings.settings.providers.some((p) => usable.has(p));
  }

  /** True when a request could be sent now: a configured provider has credentials, or a rehearsal is running. */
  async canSend(): Promise<boolean> {
    if (this.rehearsal.active !== null) return true;
    await this.refreshCredentials();
    return this.hasCredentials();
  }

  /** Streams a request; `clientRequestId` (see SendOptions) lets the caller pick out its events. */
  async stream(request: ClaudeRequest, signal: AbortSignal, clientRequestId?: string): Promise<RequestStream> {
    const active = this.rehearsal.active;
    const manager = active ? await this.ensureRehearsalManager(active.url) : await this.ensureManager();
    const id = clientRequestId ?? newClientRequestId();
    this.startedInEpoch.set(id, this.servedEpoch);
    // The rehearsal's first request starts its scenario's clock.
    if (active) this.rehearsal.noteRequest();
    return manager.stream(request, { signal, priority: 'interactive', clientRequestId: id });
  }

  /** Breaker states for the current routes (each model on each provider, in the order tried), closed for routes not used yet. */
  breakers(): BreakerSnapshot[] {
    const known = (this.rehearsal.active ? this.rehearsalManager?.manager : this.manager)?.breakers() ?? [];
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

  /** Resets every breaker (and forgets demotions), or only one route's (the diagnostics panel's card). */
  resetBreakers(route?: Route): void {
    // Forget demotions first: the chain (and with a shared broker, the manager) the reset must reach is the one used next.
    const forget = route === undefined ? [...this.demoted] : [...this.demoted].filter((m) => m === route.model);
    if (forget.length > 0) {
      for (const model of forget) this.demoted.delete(model);
      this.reconfigure('breakers reset');
    }
    (this.rehearsal.active ? this.rehearsalManager?.manager : this.manager)?.resetBreakers(route);
    this.forgetServed();
    this.healthChanged.fire();
  }

  /** "Use Fallback Now": send requests to the next model until breakers are reset or the model is switched. */
  demote(model: string): void {
    this.demoted.add(model);
    this.log.info(`Requests avoid ${model} for now (moved to the end of the chain).`);
    this.reconfigure('fallback chosen');
    this.healthChanged.fire();
  }

  /** The model was switched by the user: forget demotions so the choice applies as made. */
  clearDemotions(): void {
    this.forgetServed();
    if (this.demoted.size === 0) {
      this.healthChanged.fire();
      return;
    }
    this.demoted.clear();
    this.reconfigure('model switched');
  }

  private usable(): Set<ProviderId> {
    const usable = new Set<ProviderId>();
    if (this.anthropicKeySet) usable.add('anthropic');
    if (this.credentials.hasBedrock) usable.add('bedrock');
    if (this.credentials.hasVertex) usable.add('vertex');
    return usable;
  }

  /** Bedrock and Vertex: their stored credentials, or for a rehearsal the simulator with dummy ones. */
  private access(active: { readonly url: string } | null): ProviderAccess {
    if (active) {
      const dummy = async (): Promise<string | undefined> => REHEARSAL_API_KEY;
      const none = async (): Promise<string | undefined> => undefined;
      return {
        usable: new Set<ProviderId>(['anthropic', 'bedrock', 'vertex']),
        bedrock: { apiKey: dummy, awsAccessKeyId: none, awsSecretAccessKey: none, awsSessionToken: none, baseURL: active.url },
        vertex: { accessToken: dummy, baseURL: `${active.url}/v1` },
      };
    }
    const c = this.credentials;
    return {
      usable: this.usable(),
      bedrock: { apiKey: c.bedrockApiKey, awsAccessKeyId: c.awsAccessKeyId, awsSecretAccessKey: c.awsSecretAccessKey, awsSessionToken: c.awsSessionToken },
      vertex: { accessToken: c.vertexAccessToken },
    };
  }

  /** The real traffic's configuration (never the rehearsal's). */
  private config(): ManagerConfig {
    const endpoint = endpointFromSettings(this.settings.settings, () => this.keys.get());
    return buildManagerConfig(defaultManagerConfig(), this.settings.settings, endpoint, this.demoted, this.clientName, this.access(null));
  }

  /** A rehearsal's configuration: the same chain and policies, every provider on its simulator. */
  private rehearsalConfig(url: string): ManagerConfig {
    const endpoint: Endpoint = { baseURL: url, headers: {}, apiKey: async () => REHEARSAL_API_KEY };
    return buildManagerConfig(defaultManagerConfig(), this.settings.settings, endpoint, this.demoted, this.clientName, this.access({ url }));
  }

  private async ensureRehearsalManager(url: string): Promise<RequestManager> {
    if (this.rehearsalManager?.url === url) return this.rehearsalManager.manager;
    const { createRequestManager } = await import('../core/requestManager.js');
    if (this.rehearsalManager?.url === url) return this.rehearsalManager.manager;
    this.disposeRehearsalManager();
    const manager = createRequestManager(this.rehearsalConfig(url));
    const unsubscribe = manager.onEvent((event) => this.observe(event, true));
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
      const manager = this.broker ? await this.broker.createManager(this.config()) : createRequestManager(this.config());
      this.unsubscribeManager = manager.onEvent((event) => this.observe(event, false));
      this.manager = manager;
      this.log.info(`Request manager ready; ${this.describeRoute()}.`);
      return manager;
    })();
    this.creating.catch(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private reconfigure(reason: string): void {
    if (this.rehearsalManager) this.rehearsalManager.manager.updateConfig(this.rehearsalConfig(this.rehearsalManager.url));
    if (!this.manager) {
      this.healthChanged.fire();
      return;
    }
    this.manager.updateConfig(this.config());
    this.log.info(`Configuration applied (${reason}); ${this.describeRoute()}.`);
    this.healthChanged.fire();
  }

  /** Chain and destination, for the log (a base URL never carries credentials: the settings refuse them). */
  describeRoute(): string {
    const active = this.rehearsal.active;
    const s = this.settings.settings;
    const where: Record<ProviderId, string> = {
      anthropic: s.baseUrl || 'https://api.anthropic.com',
      bedrock: s.bedrockBaseUrl || `Amazon Bedrock in ${s.bedrockRegion}`,
      vertex: s.vertexBaseUrl || `Vertex AI in ${s.vertexRegion}`,
    };
    const providers = this.providers;
    const target = active
      ? `the rehearsal simulator at ${active.url}`
      : providers.length === 1
        ? where[providers[0] ?? 'anthropic']
        : providers.map((p) => `${p} (${where[p]})`).join(', then ');
    return `chain ${this.chain.join(' → ')}, requests to ${target}`;
  }

  private observe(event: ManagerEvent, rehearsed: boolean): void {
    if (rehearsed) this.history.recordRehearsal(event);
    else this.history.record(event);
    switch (event.type) {
      case 'attempt':
        if (event.requestId !== null) {
          if (rehearsed) this.lastRehearsalRequestIdSeen = event.requestId;
          else this.lastRequestIdSeen = event.requestId;
        }
        if (event.errorClass === null) {
          this.answeredOn.set(event.clientRequestId, event.provider);
          this.log.debug(`Attempt ${event.attempt} on ${event.model} succeeded (${event.latencyMs} ms, ${event.requestId ?? 'no request id'}).`);
        } else {
          this.log.warn(
            `Attempt ${event.attempt} on ${event.model}${event.provider === 'anthropic' ? '' : ` (${event.provider})`}: ${event.errorClass}` +
              ` (${event.status ?? 'no status'}, ${event.errorType ?? 'unknown'}) ${event.requestId ?? 'no request id'}`,
          );
        }
        break;
      case 'breaker':
        this.log.info(`Circuit breaker for ${event.model}: ${event.from} → ${event.to}.`);
        this.healthChanged.fire();
        break;
      case 'fallback':
        this.log.info(`Fell back from ${event.from.provider}:${event.from.model} to ${event.to.provider}:${event.to.model} (${event.reason}).`);
        break;
      case 'wait':
        this.log.info(`Waiting ${event.delayMs} ms before attempt ${event.nextAttempt} on ${event.model} (${event.reason}).`);
        break;
      case 'warning':
        this.log.warn(event.message);
        this.warnAboutModel(event);
        break;
      case 'request':
        this.log.info(
          event.ok
            ? `Request ${event.clientRequestId} answered by ${event.model} after ${event.attempts} attempt(s), ${event.latencyMs} ms.`
            : `Request ${event.clientRequestId} failed: ${event.errorClass} after ${event.attempts} attempt(s).`,
        );
        this.noteServed(event);
        break;
    }
    this.events.fire(event);
  }

  /** "Served from": the model and the provider of one and the same request, unless it began before a reset. */
  private noteServed(event: Extract<ManagerEvent, { type: 'request' }>): void {
    const provider = providerOfRequest(event) ?? this.answeredOn.get(event.clientRequestId) ?? null;
    const epoch = this.startedInEpoch.get(event.clientRequestId) ?? this.servedEpoch;
    this.answeredOn.delete(event.clientRequestId);
    this.startedInEpoch.delete(event.clientRequestId);
    if (!event.ok || event.model === null || provider === null || epoch !== this.servedEpoch) return;
    this.served = { model: event.model, provider };
    this.healthChanged.fire();
  }

  private forgetServed(): void {
    this.served = null;
    this.servedEpoch += 1;
  }

  private warnAboutModel(event: Extract<ManagerEvent, { type: 'warning' }>): void {
    if ((event.code !== 'unknown_model' && event.code !== 'deprecated_model') || event.model === undefined) return;
    const key = `${event.code}:${event.model}`;
    if (this.warnedModels.has(key)) return;
    this.warnedModels.add(key);
    const switchModel = vscode.l10n.t('Switch Model…');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('Resilient Claude: {0}', event.message), switchModel)
      .then((choice) => {
        if (choice === switchModel) void vscode.commands.executeCommand('resilientClaude.switchModel');
      });
  }

  dispose(): void {
    this.disposeRehearsalManager();
    this.unsubscribeManager?.();
    this.manager?.dispose();
    this.manager = null;
    for (const d of this.disposables) d.dispose();
  }
}

/** The provider named by a 'request' event, when the manager's events carry it. */
function providerOfRequest(event: Extract<ManagerEvent, { type: 'request' }>): ProviderId | null {
  const provider: unknown = (event as { readonly provider?: unknown }).provider;
  return provider === 'anthropic' || provider === 'bedrock' || provider === 'vertex' ? provider : null;
}
