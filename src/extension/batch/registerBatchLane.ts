// Wires the batch lane into the extension: the host (lane, store, call log), the
// read-only result documents, the status-bar item and the commands. Everything
// is owned by the returned Disposable; stored batches are picked up at once.
import * as vscode from 'vscode';
import type { ClaudeClient } from '../claudeClient';
import { BatchCommands } from './batchCommands';
import { BatchDocuments } from './batchDocuments';
import { BatchHost } from './batchHost';
import { BatchStatusBar, SHOW_BATCHES_COMMAND } from './batchStatusBar';

export interface BatchLaneParts {
  readonly host: BatchHost;
  readonly commands: BatchCommands;
  readonly disposable: vscode.Disposable;
}

export function registerBatchLane(context: vscode.ExtensionContext, claude: ClaudeClient, log: vscode.LogOutputChannel): BatchLaneParts {
  // Bodies and results go beside the workspace's state (the global storage in a window without a folder).
  const folder = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'batches');
  const host = new BatchHost(context.workspaceState, folder, claude, log);
  const documents = new BatchDocuments(host);
  const statusBar = new BatchStatusBar(host);
  const commands = new BatchCommands(host, documents, statusBar, claude, log);
  const registrations = Object.entries({
    'resilientClaude.askInBatch': () => commands.askInBatch(),
    'resilientClaude.runPromptOnFilesInBatch': (uri?: vscode.Uri, uris?: vscode.Uri[]) => commands.runPromptOnFiles(uri, uris),
    [SHOW_BATCHES_COMMAND]: () => commands.showBatches(),
    'resilientClaude.openBatchResults': (localId?: unknown) => commands.openResults(typeof localId === 'string' ? localId : undefined),
    'resilientClaude.cancelBatch': (localId?: unknown) => commands.cancelBatch(typeof localId === 'string' ? localId : undefined),
    'resilientClaude.removeBatch': (localId?: unknown) => commands.removeBatch(typeof localId === 'string' ? localId : undefined),
  }).map(([id, run]) => vscode.commands.registerCommand(id, run));
  void host.resume().then(
    () => commands.announceEnded(),
    (error: unknown) => log.error(`Batches: could not pick up the stored batches: ${error instanceof Error ? error.message : String(error)}`),
  );
  return { host, commands, disposable: vscode.Disposable.from(...registrations, commands, statusBar, documents, host) };
}
