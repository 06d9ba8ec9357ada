// "Show Diagnostics": a placeholder panel until the diagnostics webview lands.
// It lists the breaker states as plain text under a strict Content-Security-Policy.
import * as vscode from 'vscode';
import type { ClaudeClient } from './claudeClient';

export const SHOW_DIAGNOSTICS_COMMAND = 'resilientClaude.showDiagnostics';

export function registerDiagnosticsCommand(client: ClaudeClient): vscode.Disposable {
  let panel: vscode.WebviewPanel | undefined;
  return vscode.commands.registerCommand(SHOW_DIAGNOSTICS_COMMAND, () => {
    if (!panel) {
      panel = vscode.window.createWebviewPanel(
        'resilientClaude.diagnostics',
        vscode.l10n.t('Resilient Claude Diagnostics'),
        vscode.ViewColumn.Active,
        { enableScripts: false, localResourceRoots: [] },
      );
      panel.onDidDispose(() => (panel = undefined));
    }
    const rows = client
      .breakers()
      .map((b) => `<li>${escapeHtml(b.model)}: ${escapeHtml(b.state.replace('_', '-'))}</li>`)
      .join('');
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none';">
<title>${escapeHtml(vscode.l10n.t('Resilient Claude Diagnostics'))}</title></head>
<body><h1>${escapeHtml(vscode.l10n.t('Circuit breakers'))}</h1><ul>${rows}</ul></body></html>`;
    panel.reveal();
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
