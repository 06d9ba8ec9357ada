// One open diagnostics panel: renders snapshots for the window the page selected, pushes live
// updates (throttled) while visible, and carries out what the page asks — after validating it.
import * as vscode from 'vscode';
import { buildEscalationReport } from '../../core/report/buildEscalationReport';
import type { StatusPoller } from '../../core/status/statusPoller';
import { DEFAULT_PANEL_STATE, WINDOW_LABELS, WINDOW_MS, parseWebviewMessage } from '../../webview/protocol';
import type { HistoryWindow, HostToWebview, PanelState, WebviewToHost } from '../../webview/protocol';
import type { DiagnosticsSources } from './diagnosticsSources';
import { buildPanelSnapshot, displayBucketsFor } from './panelSnapshot';
import { panelHtml } from './panelHtml';
import { Throttle } from './throttle';

/** Where the panel's selection is remembered in the workspace state. */
export const PANEL_STATE_KEY = 'resilientClaude.diagnostics.panelState';
/** Live updates at most 4 times a second. */
const UPDATE_INTERVAL_MS = 250;
/** The failure log's capacity: enough to count every failure still in it. */
const SNAPSHOT_FAILURES = 1000;

export interface DiagnosticsPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly sources: DiagnosticsSources;
  /** Keeps the panel's last selection across reloads (the workspace's memento). */
  readonly memory: vscode.Memento;
  /** The status page poller, when enabled (it comes and goes with the setting). */
  readonly poller: () => StatusPoller | undefined;
  readonly log: vscode.LogOutputChannel;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class DiagnosticsPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly updates: Throttle;
  private state: PanelState;
  /**
   * True once the host's copy of the state is authoritative: the panel was restored with a saved
   * state, or its page has reported in before (a hidden panel's page reloads when shown again).
   */
  private hostStateKnown: boolean;
  private ready = false;
  private disposed = false;
  private readonly disposedEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: DiagnosticsPanelDeps,
    restoredState?: PanelState,
  ) {
    this.hostStateKnown = restoredState !== undefined;
    this.state = restoredState ?? DEFAULT_PANEL_STATE;
    this.updates = new Throttle(() => this.pushSnapshot(), UPDATE_INTERVAL_MS);
    const webview = panel.webview;
    webview.options = webviewOptions(deps.extensionUri);
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview.css')).toString(),
    });
    this.disposables.push(
      this.disposedEmitter,
      webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.updates.flush();
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.sources.onHistoryChange(() => this.changed()),
      deps.sources.onHealthChange(() => this.changed()),
      ...(deps.sources.batches ? [deps.sources.batches.onChange(() => this.changed())] : []),
    );
  }

  private remember(): void {
    void this.deps.memory.update(PANEL_STATE_KEY, this.state);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** A history, breaker or status change: re-render soon (throttled), if anyone can see it. */
  changed(): void {
    if (this.ready && this.panel.visible) this.updates.schedule();
  }

  private post(message: HostToWebview): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private pushSnapshot(): void {
    if (this.disposed || !this.ready) return;
    try {
      const { sources } = this.deps;
      const now = Date.now();
      const display = displayBucketsFor(this.state.window, now);
      const history = sources.history();
      const snapshot = buildPanelSnapshot({
        window: this.state.window,
        now,
        simulated: history.simulated ?? null,
        history: history.snapshot({ sinceMs: display.firstStart, maxFailures: SNAPSHOT_FAILURES }),
        breakers: sources.breakers(),
        status: this.deps.poller()?.latest,
        primaryModel: sources.primaryModel(),
        ...(sources.batches ? { batches: sources.batches.rows(), batchFailures: sources.batches.failures() } : {}),
      });
      this.post({ type: 'snapshot', snapshot });
    } catch (error) {
      this.deps.log.error(`Diagnostics: could not build the panel's snapshot: ${errorText(error)}`);
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.deps.log.warn('Diagnostics: ignored a malformed message from the panel.');
      return;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.deps.log.error(`Diagnostics: ${message.type} failed: ${errorText(error)}`);
      this.post({ type: 'notice', level: 'error', text: `That did not work: ${errorText(error)}` });
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    const { sources } = this.deps;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // The host hears of every change as it happens, while the page's own saved state can lag
        // behind after a reload (the workbench persists it lazily): the host's copy wins.
        if (this.hostStateKnown && !sameState(message.state, this.state)) {
          this.post({ type: 'restoreState', state: this.state });
        } else {
          this.state = message.state;
        }
        this.hostStateKnown = true;
        this.remember();
        this.updates.flush();
        return;
      case 'stateChanged': {
        const windowChanged = message.state.window !== this.state.window;
        this.state = message.state;
        this.remember();
        if (windowChanged) this.updates.flush();
        return;
      }
      case 'copyId': {
        const kind = message.kind;
        const known =
          (kind !== 'batchId' &&
            sources
              .history()
              .failures()
              .some((f) => (kind === 'requestId' ? f.requestId : f.clientRequestId) === message.value)) ||
          (kind !== 'clientRequestId' && sources.batches?.knows(kind, message.value) === true) ||
          (kind === 'clientRequestId' && sources.batches?.failures().some((f) => f.clientRequestId === message.value) === true);
        if (!known) {
          this.post({ type: 'notice', level: 'error', text: 'That id is no longer in the failure log.', copyKey: message.copyKey });
          return;
        }
        await vscode.env.clipboard.writeText(message.value);
        const what = message.kind === 'requestId' ? 'request id' : message.kind === 'batchId' ? 'batch id' : 'client request id';
        vscode.window.setStatusBarMessage(`$(copy) Copied ${what} ${message.value}`, 3000);
        this.post({ type: 'notice', level: 'info', text: `Copied ${what} ${message.value}`, copyKey: message.copyKey });
        return;
      }
      case 'copyReport': {
        await vscode.env.clipboard.writeText(this.report(message.window));
        vscode.window.setStatusBarMessage('$(copy) Copied the escalation report', 3000);
        this.post({ type: 'notice', level: 'info', text: `Copied the escalation report (${WINDOW_LABELS[message.window].toLowerCase()}).` });
        return;
      }
      case 'exportJson':
        await this.exportJson(message.window);
        return;
      case 'resetBreaker':
        sources.resetBreakers({ provider: message.provider, model: message.model });
        this.post({ type: 'notice', level: 'info', text: `Breaker reset: ${message.provider}:${message.model}.` });
        return;
      case 'resetAllBreakers':
        sources.resetBreakers();
        this.post({ type: 'notice', level: 'info', text: 'All breakers reset.' });
        return;
      case 'useModel':
        await sources.useModel(message.model);
        this.post({ type: 'notice', level: 'info', text: `Next requests use ${message.model}.` });
        this.changed();
        return;
      case 'refreshStatus':
        await this.deps.poller()?.pollNow();
        return;
      case 'batchAction': {
        const batches = sources.batches;
        if (!batches) return;
        const text = await batches.act(message.action, message.localId);
        this.post({ type: 'notice', level: 'info', text });
        this.changed();
        return;
      }
    }
  }

  private statusIncident(): string | null | undefined {
    const reading = this.deps.poller()?.latest;
    if (!reading?.summary) return undefined;
    const incident = reading.summary.incidents[0];
    return incident ? `${incident.name} (${incident.status}, ${incident.impact} impact)` : null;
  }

  private report(window: HistoryWindow): string {
    const { sources } = this.deps;
    const report = buildEscalationReport({
      history: sources.history(),
      windowMs: WINDOW_MS[window],
      now: Date.now(),
      versions: sources.versions(),
      breakers: sources.breakers(),
      statusIncident: this.statusIncident(),
    });
    const batches = sources.batches?.reportSection(WINDOW_MS[window], Date.now()) ?? '';
    return batches ? `${report.trimEnd()}\n\n${batches}` : report;
  }

  private async exportJson(window: HistoryWindow): Promise<void> {
    const { sources } = this.deps;
    const now = Date.now();
    const stamp = `${sources.history().simulated !== undefined ? 'rehearsal-' : ''}${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Resilient Claude diagnostics',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? this.deps.extensionUri, `resilient-claude-diagnostics-${stamp}.json`),
      filters: { JSON: ['json'] },
    });
    if (!target) return;
    const history = sources.history();
    const simulated = history.simulated ?? null;
    const exported = {
      kind: 'resilient-claude-diagnostics',
      formatVersion: 1,
      generatedAt: new Date(now).toISOString(),
      // Rehearsal data says so at the top: its request ids were issued by the local simulator.
      simulated:
        simulated === null
          ? null
          : { what: simulated, note: 'SIMULATED DATA from an overload rehearsal: nothing was sent to Anthropic; not for Anthropic support.' },
      window,
      versions: sources.versions(),
      history: history.snapshot({ sinceMs: now - WINDOW_MS[window], maxFailures: SNAPSHOT_FAILURES }),
      breakers: sources.breakers(),
      anthropicStatus: this.deps.poller()?.latest ?? null,
      batches: sources.batches?.rows() ?? [],
    };
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(`${JSON.stringify(exported, null, 2)}\n`));
    vscode.window.setStatusBarMessage(`$(save) Diagnostics exported to ${target.fsPath}`, 4000);
    this.post({ type: 'notice', level: 'info', text: `Exported to ${target.fsPath}` });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.updates.cancel();
    this.disposedEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function sameState(a: PanelState, b: PanelState): boolean {
  return a.window === b.window && a.modelFilter === b.modelFilter && a.classFilter === b.classFilter && a.tab === b.tab;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
