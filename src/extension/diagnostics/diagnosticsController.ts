// Owns the diagnostics panel for the extension's lifetime: opens it (one at a time, re-focused
// when open), restores it after a reload through a WebviewPanelSerializer, and polls the
// Anthropic status page only while the panel is open or requests are failing. During an overload
// rehearsal it reads the simulator's scripted status page instead of the real one.
import { isServiceTrouble } from '../../core/errorClasses';
import * as vscode from 'vscode';
import { StatusPoller } from '../../core/status/statusPoller';
import { panelStateOrDefault, parsePanelState } from '../../webview/protocol';
import type { PanelState } from '../../webview/protocol';
import { DiagnosticsPanel, PANEL_STATE_KEY, webviewOptions } from './diagnosticsPanel';
import type { DiagnosticsSources } from './diagnosticsSources';
import { affectsStatusPageSettings, readStatusPageSettings } from './statusPageSettings';

export const DIAGNOSTICS_VIEW_TYPE = 'resilientClaude.diagnostics';
const STATUS_POLL_MS = 60_000;
/** The rehearsal's status page is local and its script moves in seconds. */
const REHEARSAL_STATUS_POLL_MS = 5_000;
/** After the last failed attempt, keep the status page polled this long. */
const FAILING_GRACE_MS = 10 * 60_000;

export class DiagnosticsController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private panel: DiagnosticsPanel | undefined;
  private poller: StatusPoller | undefined;
  private failingTimer: ReturnType<typeof setTimeout> | undefined;
  private rehearsalStatusUrl: string | null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: DiagnosticsSources,
    private readonly log: vscode.LogOutputChannel,
    private readonly memory: vscode.Memento,
  ) {
    this.rehearsalStatusUrl = sources.rehearsalStatusPageUrl();
    this.applyStatusSettings();
    this.disposables.push(
      sources.onHealthChange(() => {
        const url = sources.rehearsalStatusPageUrl();
        if (url === this.rehearsalStatusUrl) return;
        this.rehearsalStatusUrl = url;
        this.applyStatusSettings();
      }),
      vscode.window.registerWebviewPanelSerializer(DIAGNOSTICS_VIEW_TYPE, {
        // The selection remembered by the host is fresher than the workbench's saved page state.
        deserializeWebviewPanel: async (panel, state: unknown) =>
          this.adopt(panel, parsePanelState(memory.get(PANEL_STATE_KEY)) ?? panelStateOrDefault(state)),
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsStatusPageSettings(event)) this.applyStatusSettings();
      }),
      sources.onManagerEvent((event) => {
        if (event.type === 'attempt' && event.errorClass !== null && isServiceTrouble(event.errorClass)) this.noteFailure();
      }),
    );
  }

  /** "Show Diagnostics": focus the open panel, or open one. */
  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DIAGNOSTICS_VIEW_TYPE,
      'Resilient Claude Diagnostics',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      webviewOptions(this.extensionUri),
    );
    this.adopt(panel, undefined);
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  private adopt(webviewPanel: vscode.WebviewPanel, state: PanelState | undefined): void {
    this.panel?.dispose();
    webviewPanel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'diagnostics.svg');
    const panel = new DiagnosticsPanel(webviewPanel, { extensionUri: this.extensionUri, sources: this.sources, poller: () => this.poller, log: this.log, memory: this.memory }, state);
    this.panel = panel;
    this.poller?.setNeeded('panel', true);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      this.poller?.setNeeded('panel', false);
    });
  }

  private noteFailure(): void {
    this.poller?.setNeeded('failing', true);
    if (this.failingTimer) clearTimeout(this.failingTimer);
    this.failingTimer = setTimeout(() => this.poller?.setNeeded('failing', false), FAILING_GRACE_MS);
  }

  private applyStatusSettings(): void {
    const configured = readStatusPageSettings();
    // A rehearsal's status page is the simulator's (local, scripted), read even when the real one is off.
    const settings = this.rehearsalStatusUrl !== null ? { enabled: true, url: this.rehearsalStatusUrl } : configured;
    const intervalMs = this.rehearsalStatusUrl !== null ? REHEARSAL_STATUS_POLL_MS : STATUS_POLL_MS;
    if (!settings.enabled) {
      this.poller?.dispose();
      this.poller = undefined;
    } else if (this.poller) {
      this.poller.configure({ url: settings.url, intervalMs });
    } else {
      this.poller = new StatusPoller({ url: settings.url, intervalMs });
      this.poller.onReading((reading) => {
        if (reading.error) this.log.debug(`Status page: ${reading.error}`);
        this.panel?.changed();
      });
      if (this.panel) this.poller.setNeeded('panel', true);
    }
    this.panel?.changed();
  }

  dispose(): void {
    if (this.failingTimer) clearTimeout(this.failingTimer);
    this.panel?.dispose();
    this.poller?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
