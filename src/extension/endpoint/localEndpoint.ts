// The local endpoint in the editor: with `resilientClaude.endpoint.terminals` on, this window asks
// the user's broker for the endpoint (one for every window: the same URL and token, kept while any
// window wants it; brokerHostedEndpoint.ts) — or runs it itself when no broker can be used
// (windowHostedEndpoint.ts) — and puts ANTHROPIC_BASE_URL — and, with
// `resilientClaude.endpoint.useEditorKey`, the endpoint's token as ANTHROPIC_API_KEY — into every
// integrated terminal it opens, so `claude` started there is protected with no other step. Token
// requests are served with this window's chain, providers and stored credentials (the latest
// window's, when several want it); the endpoint's traffic and events feed the status bar, the 529
// history and the failures like the window's own. The variables are not persisted: they exist
// while the window runs and the setting is on. A window that runs the endpoint itself because the
// broker could not be used (sharing on) hands it back once a broker answers again: it tries on the
// schedule its requests reconnect on (2 s, doubling up to 30 s, and at once when they do), closes
// its own endpoint only when the broker answers, and the broker listens on the same port when it
// can; else the terminals' variables get the broker's URL and the log says so. Turning sharing
// (`resilientClaude.sharedManager`) on moves the endpoint a window runs itself to the broker the
// same way; turning it off gives the window an endpoint of its own, as sharing off at start does.
import * as vscode from 'vscode';
import type { ClaudeClient } from '../claudeClient';
import type { WindowBroker } from '../broker/windowBroker';
import type { SettingsWatcher } from '../settingsWatcher';
import { ENDPOINT_SETTINGS_TABLE, SETTINGS_SECTION, SHARED_MANAGER_SETTING } from '../settings';
import { readTable } from '../settingSpec';
import type { SettingsOf } from '../settingSpec';
import { EndpointTraffic } from './endpointTraffic';
import type { EndpointStatus } from './endpointTraffic';
import { BrokerUnavailable, startInBroker } from './brokerHostedEndpoint';
import type { EndpointDeps, HostedEndpoint } from './hostedEndpoint';
import { startInWindow } from './windowHostedEndpoint';
import { windowPortMemory } from './windowPortMemory';
import type { PortMemory } from '../../broker/endpoint/endpointPort';
import { RECONNECT_MAX_MS, RECONNECT_MIN_MS } from '../../broker/client/sharedManager';

const SECTION = `${SETTINGS_SECTION}.endpoint`;

type EndpointSettings = SettingsOf<typeof ENDPOINT_SETTINGS_TABLE>;

function readSettings(): EndpointSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readTable(ENDPOINT_SETTINGS_TABLE, (key) => config.get(key), () => undefined);
}

/** The broker's copy of this window's settings and credentials is checked this often (rotating AWS / Google credentials). */
const REFRESH_EVERY_MS = 5 * 60_000;
/** Changes that come together (a key saved, the settings it changes) are sent once. */
const REFRESH_DELAY_MS = 100;
/** After the broker hosting the endpoint went away, ask again (a new broker, or this window) after this long. */
const RESTART_DELAY_MS = 1_000;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class LocalEndpoint implements vscode.Disposable {
  private running: Promise<HostedEndpoint> | null = null;
  private runningUrl: string | null = null;
  /** The URL last put into the terminals' variables (kept while the endpoint restarts). */
  private terminalsUrl: string | null = null;
  private readonly traffic = new EndpointTraffic();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly deps: EndpointDeps;
  /** Sharing off: this window's own endpoint remembers its port in the window's storage. */
  private readonly ownPort: PortMemory;
  /** The port this window last ran the endpoint on in the broker's stead (tried first next time). */
  private standInPort: number | null = null;
  private handBackTimer: ReturnType<typeof setTimeout> | undefined;
  private handBackDelay = RECONNECT_MIN_MS;
  private disposed = false;

  /** The endpoint started or stopped, or answered a request. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    client: ClaudeClient,
    private readonly broker: WindowBroker,
    settings: SettingsWatcher,
    private readonly log: vscode.LogOutputChannel,
    /** Changes of this window's stored credentials (sent to the broker hosting the endpoint). */
    credentialChanges: readonly vscode.Event<unknown>[] = [],
  ) {
    this.deps = {
      client,
      broker,
      settings,
      log,
      onRequest: (request) => {
        this.traffic.add(request);
        this.changed.fire();
      },
    };
    this.ownPort = windowPortMemory(context.workspaceState);
    const env = context.environmentVariableCollection;
    // The token is a credential: never written to the workspace's storage.
    env.persistent = false;
    env.description = vscode.l10n.t('Resilient Claude: Claude clients started here use the local endpoint (fallbacks, breakers, shared budgets).');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) void this.apply();
        else if (event.affectsConfiguration(`${SETTINGS_SECTION}.${SHARED_MANAGER_SETTING.key}`)) void this.sharingChanged();
      }),
      ...[...credentialChanges, settings.onDidChange, client.onDidChangeHealth, broker.onDidChange].map((onChange) => onChange(() => this.refreshSoon())),
      // This window's requests reached the broker again: the endpoint follows now, not at its next try.
      broker.onDidChange(() => {
        if (this.handBackTimer !== undefined && broker.sharing?.mode === 'shared') this.handBackNow();
      }),
    );
    const every = setInterval(() => this.refreshSoon(), REFRESH_EVERY_MS);
    every.unref?.();
    this.disposables.push({ dispose: () => clearInterval(every) });
  }

  /** Who runs the endpoint now: the user's broker (one for every window), this window, or nobody. */
  async hostedIn(): Promise<HostedEndpoint['where'] | null> {
    return (await this.running?.catch(() => null))?.where ?? null;
  }

  /** For the status bar: null while the terminals setting is off and nothing runs. */
  status(): EndpointStatus | null {
    if (this.runningUrl === null && !readSettings().terminals) return null;
    return { url: this.runningUrl, terminals: readSettings().terminals, clients: this.traffic.clients() };
  }

  /** A variable as new integrated terminals get it from this window (undefined: not set). */
  terminalVariable(name: string): string | undefined {
    return this.context.environmentVariableCollection.get(name)?.value;
  }

  /** Starts or stops the endpoint and the terminals' variables as the settings say. */
  async apply(): Promise<void> {
    const wanted = readSettings();
    const env = this.context.environmentVariableCollection;
    if (!wanted.terminals) {
      env.clear();
      await this.stop();
      return;
    }
    try {
      const running = await this.ensureRunning(wanted.port);
      env.replace('ANTHROPIC_BASE_URL', running.url);
      if (this.terminalsUrl !== null && this.terminalsUrl !== running.url) {
        this.log.warn(`Local endpoint: its address changed from ${this.terminalsUrl} to ${running.url}; terminals and \`claude\` sessions opened before still use the old address: open them again.`);
      }
      this.terminalsUrl = running.url;
      if (wanted.useEditorKey) env.replace('ANTHROPIC_API_KEY', running.token);
      else env.delete('ANTHROPIC_API_KEY');
      this.log.info(`Local endpoint: terminals opened from now on use ${running.url}${wanted.useEditorKey ? " with the editor's key" : ' with their own key or login'}.`);
    } catch (error) {
      env.clear();
      this.log.warn(`Local endpoint: not started (${message(error)}).`);
      void vscode.window.showWarningMessage(vscode.l10n.t('Resilient Claude: the local endpoint could not start: {0}', message(error)));
    }
  }

  /** Asks how terminals should use the endpoint (the editor's key, their own, or not at all) and saves it. */
  async pickTerminalMode(): Promise<void> {
    type Mode = 'editorKey' | 'ownKey' | 'off';
    const items: (vscode.QuickPickItem & { readonly mode: Mode })[] = [
      {
        mode: 'editorKey',
        label: vscode.l10n.t("$(key) Terminals use the endpoint with the editor's key"),
        detail: vscode.l10n.t('ANTHROPIC_BASE_URL and the endpoint token as ANTHROPIC_API_KEY: `claude` needs no key of its own.'),
      },
      {
        mode: 'ownKey',
        label: vscode.l10n.t('$(account) Terminals use the endpoint with their own key or login'),
        detail: vscode.l10n.t('ANTHROPIC_BASE_URL only: Claude Code keeps its own API key or subscription login.'),
      },
      { mode: 'off', label: vscode.l10n.t('$(circle-slash) Off'), detail: vscode.l10n.t('Terminals are left as they are.') },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: vscode.l10n.t('Claude clients in the integrated terminal'),
      placeHolder: vscode.l10n.t('Route `claude` and SDK scripts started in terminals through the local endpoint'),
    });
    if (!picked) return;
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const { terminals, useEditorKey } = ENDPOINT_SETTINGS_TABLE;
    if (picked.mode !== 'off') await config.update(useEditorKey.key, picked.mode === 'editorKey', vscode.ConfigurationTarget.Global);
    await config.update(terminals.key, picked.mode !== 'off', vscode.ConfigurationTarget.Global);
    await this.apply();
    if (picked.mode !== 'off' && this.runningUrl !== null) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Resilient Claude: new terminals use the local endpoint at {0} (open ones after a relaunch).', this.runningUrl),
      );
    }
  }

  /** The lines an outside shell needs (starting the endpoint for this window when it is not running). */
  async shellLines(): Promise<string[]> {
    const running = await this.ensureRunning(readSettings().port);
    const lines = [`export ANTHROPIC_BASE_URL=${running.url}`];
    if (readSettings().useEditorKey) lines.push(`export ANTHROPIC_API_KEY="$(cat '${running.tokenFile}')"`);
    return lines;
  }

  async copyShellLines(): Promise<void> {
    try {
      const lines = await this.shellLines();
      await vscode.env.clipboard.writeText(`${lines.join('\n')}\n`);
      const inBroker = (await this.hostedIn()) === 'broker';
      void vscode.window.showInformationMessage(
        inBroker
          ? vscode.l10n.t('Resilient Claude: copied the lines that point a shell at the local endpoint ({0}); it runs while a VS Code window has it on.', this.runningUrl ?? '')
          : vscode.l10n.t('Resilient Claude: copied the lines that point a shell at the local endpoint ({0}); it runs while this window is open.', this.runningUrl ?? ''),
      );
    } catch (error) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Resilient Claude: the local endpoint could not start: {0}', message(error)));
    }
  }

  private async ensureRunning(port: number): Promise<HostedEndpoint> {
    const current = this.running;
    if (current !== null) {
      const running = await current.catch(() => null);
      if (running !== null && (port === 0 || running.requestedPort === port)) return running;
      if (this.running === current) await this.stop();
    }
    const starting: Promise<HostedEndpoint> = this.start(port, (reason) => this.lost(starting, reason));
    this.running = starting;
    this.follow(starting);
    return starting;
  }

  /** Once `starting` runs (and is still this window's endpoint): the status, and a hand-back to come when it runs in the broker's stead. */
  private follow(starting: Promise<HostedEndpoint>): void {
    starting.then(
      (running) => {
        if (this.running !== starting) return;
        this.runningUrl = running.url;
        this.changed.fire();
        if (running.where === 'window' && this.broker.enabledNow) this.scheduleHandBack(starting);
        else this.handBackDelay = RECONNECT_MIN_MS;
      },
      () => {
        if (this.running === starting) this.running = null;
      },
    );
  }

  /**
   * Sharing turned on: the endpoint this window runs is handed to the broker (now, then on the
   * hand-back's schedule). Turned off: the broker's is let go and this window runs its own.
   */
  private async sharingChanged(): Promise<void> {
    const which = this.running;
    const running = await which?.catch(() => null);
    if (this.disposed || running === null || running === undefined || this.running !== which) return;
    if (this.broker.enabledNow && running.where === 'window') {
      this.log.info('Local endpoint: the shared broker was turned on (resilientClaude.sharedManager); the endpoint moves to it.');
      this.handBackDelay = RECONNECT_MIN_MS;
      this.handBackNow();
    } else if (!this.broker.enabledNow && running.where === 'broker') {
      this.log.info('Local endpoint: the shared broker was turned off (resilientClaude.sharedManager); this window runs the endpoint itself.');
      await this.stop();
      await this.apply();
    } else if (!this.broker.enabledNow) {
      // Standing in for the broker already: it stays where the terminals point, now this window's own (kept across a reload).
      this.ownPort.remember(Number(new URL(running.url).port));
    }
  }

  private scheduleHandBack(which: Promise<HostedEndpoint>): void {
    if (this.running !== which || this.handBackTimer !== undefined) return;
    const delay = this.handBackDelay;
    this.handBackDelay = Math.min(RECONNECT_MAX_MS, delay * 2);
    this.handBackTimer = setTimeout(() => void this.handBack(which), delay);
    this.handBackTimer.unref?.();
  }

  private handBackNow(): void {
    clearTimeout(this.handBackTimer);
    this.handBackTimer = undefined;
    const which = this.running;
    if (which !== null) void this.handBack(which);
  }

  /**
   * Gives the endpoint this window runs in the broker's stead back to the broker: its own closes
   * only once the broker answers (freeing the port for it); a broker that then does not take it
   * leaves this window running it again. Not reachable: the next try is scheduled.
   */
  private async handBack(which: Promise<HostedEndpoint>): Promise<void> {
    this.handBackTimer = undefined;
    const standIn = await which.catch(() => null);
    if (this.running !== which || standIn === null || standIn.where !== 'window' || !this.broker.enabledNow) return;
    let closed = false;
    const next: Promise<HostedEndpoint> = startInBroker(this.deps, standIn.requestedPort, (reason) => this.lost(next, reason), {
      heldPort: Number(new URL(standIn.url).port),
      beforeWant: async () => {
        if (this.running !== which) throw new Error('the endpoint changed meanwhile');
        closed = true;
        this.running = next;
        // Its port comes free at once; answers it is streaming finish here.
        await standIn.handOver();
      },
    }).catch((error: unknown) => {
      if (!closed) throw error;
      this.log.warn(`Local endpoint: the shared broker did not take it back (${message(error)}); this window runs it again.`);
      return this.standIn(standIn.requestedPort);
    });
    const handed = await next.catch(() => null);
    if (!closed) {
      // No broker answered: this window keeps running it, and tries again later.
      this.scheduleHandBack(which);
      return;
    }
    this.follow(next);
    if (handed?.where === 'broker') this.log.info(`Local endpoint: handed back to the shared broker at ${handed.url}.`);
    // The terminals' variables follow the new address (said in the log when it changed); neither
    // the broker nor this window could run it: started afresh as the settings say.
    await next.catch(() => undefined);
    if (!this.disposed && (this.running === next || this.running === null)) await this.apply();
  }

  private async stop(): Promise<void> {
    clearTimeout(this.handBackTimer);
    this.handBackTimer = undefined;
    const running = this.running;
    this.running = null;
    if (running === null) return;
    this.runningUrl = null;
    this.changed.fire();
    await running.then((r) => r.close(), () => undefined);
  }

  /** The broker hosting the endpoint went away: ask again soon (a new broker, or this window runs it). */
  private lost(which: Promise<HostedEndpoint>, reason: string): void {
    if (this.running !== which) return;
    this.log.warn(`Local endpoint: ${reason}; asking again.`);
    void this.stop();
    const again = setTimeout(() => void this.apply(), RESTART_DELAY_MS);
    again.unref?.();
  }

  /** Sends the broker this window's current settings and credentials (when the endpoint is hosted there and they changed). */
  private refreshSoon(): void {
    if (this.running === null || this.refreshTimer !== undefined) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.running?.then((running) => running.refresh(), () => undefined);
    }, REFRESH_DELAY_MS);
  }

  private async start(port: number, onLost: (reason: string) => void): Promise<HostedEndpoint> {
    if (!this.broker.enabledNow) {
      this.log.info('Local endpoint: the shared broker is off (resilientClaude.sharedManager); this window runs the endpoint itself.');
      return startInWindow(this.deps, port, () => this.ownPort);
    }
    try {
      return await startInBroker(this.deps, port, onLost);
    } catch (error) {
      if (!(error instanceof BrokerUnavailable)) throw error;
      this.log.warn(`Local endpoint: the shared broker cannot host it (${error.message}); this window runs the endpoint itself until it can.`);
      return this.standIn(port);
    }
  }

  /** The endpoint in this window, in the broker's stead: where it last stood in, else at the shared endpoint's address (read, never written). */
  private standIn(port: number): Promise<HostedEndpoint> {
    return startInWindow(this.deps, port, (shared) => ({
      recall: () => this.standInPort ?? shared.recall(),
      remember: (each) => {
        this.standInPort = each;
      },
    }));
  }

  dispose(): void {
    this.disposed = true;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    clearTimeout(this.handBackTimer);
    this.context.environmentVariableCollection.clear();
    void this.stop();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
