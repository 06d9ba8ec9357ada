// "Show Diagnostics": opens the diagnostics panel (src/extension/diagnostics/), one at a time,
// restored after a reload. The panel reads the history, breakers and model switch through
// the narrow DiagnosticsSources interface built here.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { VERSION as SDK_VERSION } from '@anthropic-ai/sdk/version';
import type { BatchPanelSource } from './batch/batchPanelSource';
import type { ClaudeClient } from './claudeClient';
import { DiagnosticsController } from './diagnostics/diagnosticsController';
import type { DiagnosticsSources } from './diagnostics/diagnosticsSources';
import type { HistoryHost } from './historyHost';
import type { ModelSwitcher } from './modelSwitcher';

export const SHOW_DIAGNOSTICS_COMMAND = 'resilientClaude.showDiagnostics';

export interface DiagnosticsParts {
  readonly client: ClaudeClient;
  readonly history: HistoryHost;
  readonly switcher: ModelSwitcher;
  readonly log: vscode.LogOutputChannel;
  readonly version: string;
  readonly batches?: BatchPanelSource;
}

function sourcesOf(parts: DiagnosticsParts): DiagnosticsSources {
  const { client, history, switcher, version } = parts;
  return {
    ...(parts.batches ? { batches: parts.batches } : {}),
    history: () => history.current,
    onHistoryChange: history.onDidChange,
    breakers: () => client.breakers(),
    onHealthChange: client.onDidChangeHealth,
    onManagerEvent: client.observer.onEvent,
    primaryModel: () => client.routes.chain[0] ?? client.routes.primaryModel,
    rehearsalStatusPageUrl: () => client.routes.rehearsalStatusPageUrl,
    resetBreakers: (route) => client.resetBreakers(route),
    useModel: (model) => switcher.switchTo(model),
    versions: () => ({
      extension: version,
      sdk: SDK_VERSION,
      vscode: vscode.version,
      os: `${os.platform()} ${os.release()} ${os.arch()}`,
    }),
  };
}

/** Registers the command and the panel serializer (must run during activation). */
export function registerDiagnosticsCommand(context: vscode.ExtensionContext, parts: DiagnosticsParts): vscode.Disposable {
  const controller = new DiagnosticsController(context.extensionUri, sourcesOf(parts), parts.log, context.workspaceState);
  return vscode.Disposable.from(
    controller,
    vscode.commands.registerCommand(SHOW_DIAGNOSTICS_COMMAND, () => controller.show()),
  );
}
