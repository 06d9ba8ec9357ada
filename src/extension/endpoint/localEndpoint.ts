// The local endpoint in the editor: with `resilientClaude.endpoint.terminals` on, this window runs
// the endpoint (src/broker/endpoint) on 127.0.0.1 and puts ANTHROPIC_BASE_URL — and, with
// `resilientClaude.endpoint.useEditorKey`, the endpoint's token as ANTHROPIC_API_KEY — into every
// integrated terminal it opens, so `claude` started there is protected with no other step.
// Its requests run on managers made through the window's broker client (the user's one route
// state), with this window's chain, providers and stored credentials; their events feed the
// status bar, the 529 history and the failures like the window's own. The variables are not
// persisted: they exist while the window runs and the setting is on.
import * as vscode from 'vscode';
import type { EndpointRequest, RunningEndpoint } from '../../broker/endpoint/endpointServer';
import type { ClaudeClient } from '../claudeClient';
import type { WindowBroker } from '../broker/windowBroker';
import type { SettingsWatcher } from '../settingsWatcher';
import { ENDPOINT_SETTINGS_TABLE, SETTINGS_SECTION, modelChain } from '../settings';
import { readTable } from '../settingSpec';
import type { SettingsOf } from '../settingSpec';
import { EndpointTraffic } from './endpointTraffic';
import type { EndpointStatus } from './endpointTraffic';

const SECTION = `${SETTINGS_SECTION}.endpoint`;

type EndpointSettings = SettingsOf<typeof ENDPOINT_SETTINGS_TABLE>;

function readSettings(): EndpointSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  return readTable(ENDPOINT_SETTINGS_TABLE, (key) => config.get(key), () => undefined);
}

interface Running {
  readonly endpoint: RunningEndpoint;
  readonly token: string;
  readonly tokenFile: string;
  /** The port the settings asked for (0: any). */
  readonly requestedPort: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class LocalEndpoint implements vscode.Disposable {
  private running: Promise<Running> | null = null;
  private runningUrl: string | null = null;
  private readonly traffic = new EndpointTraffic();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  /** The endpoint started or stopped, or answered a request. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: ClaudeClient,
    private readonly broker: WindowBroker,
    private readonly settings: SettingsWatcher,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const env = context.environmentVariableCollection;
    // The token is a credential: never written to the workspace's storage.
    env.persistent = false;
    env.description = vscode.l10n.t('Resilient Claude: Claude clients started here use the local endpoint (fallbacks, breakers, shared budgets).');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) void this.apply();
      }),
    );
  }

  /** For the status bar: null while the terminals setting is off and nothing runs. */
  status(): EndpointStatus | null {
    if (this.runningUrl === null && !readSettings().terminals) return null;
    return { url: this.runningUrl, terminals: readSettings().terminals, clients: this.traffic.clients() };
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
      env.replace('ANTHROPIC_BASE_URL', running.endpoint.url);
      if (wanted.useEditorKey) env.replace('ANTHROPIC_API_KEY', running.token);
      else env.delete('ANTHROPIC_API_KEY');
      this.log.info(`Local endpoint: terminals opened from now on use ${running.endpoint.url}${wanted.useEditorKey ? " with the editor's key" : ' with their own key or login'}.`);
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
    const lines = [`export ANTHROPIC_BASE_URL=${running.endpoint.url}`];
    if (readSettings().useEditorKey) lines.push(`export ANTHROPIC_API_KEY="$(cat '${running.tokenFile}')"`);
    return lines;
  }

  async copyShellLines(): Promise<void> {
    try {
      const lines = await this.shellLines();
      await vscode.env.clipboard.writeText(`${lines.join('\n')}\n`);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Resilient Claude: copied the lines that point a shell at the local endpoint ({0}); it runs while this window is open.', this.runningUrl ?? ''),
      );
    } catch (error) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Resilient Claude: the local endpoint could not start: {0}', message(error)));
    }
  }

  private async ensureRunning(port: number): Promise<Running> {
    const current = this.running;
    if (current !== null) {
      const running = await current.catch(() => null);
      if (running !== null && (port === 0 || running.requestedPort === port)) return running;
      if (this.running === current) await this.stop();
    }
    const starting = this.start(port);
    this.running = starting;
    starting.then(
      (running) => {
        this.runningUrl = running.endpoint.url;
        this.changed.fire();
      },
      () => {
        if (this.running === starting) this.running = null;
      },
    );
    return starting;
  }

  private async stop(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running === null) return;
    this.runningUrl = null;
    this.changed.fire();
    await running.then((r) => r.endpoint.close(), () => undefined);
  }

  private async start(port: number): Promise<Running> {
    // Loaded on first use: nothing of the endpoint runs while the setting is off.
    const [{ startEndpoint }, { ensureEndpointToken, endpointTokenPath }, { ensurePrivateRuntimeDir, runtimeDirPath }] = await Promise.all([
      import('../../broker/endpoint/endpointServer.js'),
      import('../../broker/endpoint/endpointToken.js'),
      import('../../broker/runtimeDir.js'),
    ]);
    const dir = ensurePrivateRuntimeDir(runtimeDirPath());
    const token = ensureEndpointToken(dir);
    const options = {
      token,
      createManager: (config: Parameters<WindowBroker['createManager']>[0]) => this.broker.createManager(config, true),
      base: () => this.client.routes.liveConfig(),
      models: () => modelChain(this.settings.settings),
      upstreamBaseUrl: () => this.settings.settings.baseUrl || 'https://api.anthropic.com',
      userProviders: () => this.client.routes.liveConfig().providers,
      log: (line: string) => this.log.info(`Local endpoint: ${line}`),
      onEvent: (event: Parameters<ClaudeClient['observer']['observe']>[0]) => this.client.observer.observe(event, false),
      onRequest: (request: EndpointRequest) => {
        this.traffic.add(request);
        this.changed.fire();
      },
    };
    let endpoint: RunningEndpoint;
    try {
      endpoint = await startEndpoint({ ...options, port });
    } catch (error) {
      if (port === 0 || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      this.log.warn(`Local endpoint: port ${port} is taken (another window?); this window's endpoint takes a free port.`);
      endpoint = await startEndpoint({ ...options, port: 0 });
    }
    this.log.info(`Local endpoint listening on ${endpoint.url}.`);
    return { endpoint, token, tokenFile: endpointTokenPath(dir), requestedPort: port };
  }

  dispose(): void {
    this.context.environmentVariableCollection.clear();
    void this.stop();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
