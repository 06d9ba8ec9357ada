// "Batch: 3/120 done" in the status bar while batches run (the API moves a batch's
// counts when it ends), then a check mark until the results are opened; a click
// shows the batches.
import * as vscode from 'vscode';
import { doneCount, isActive } from '../../core/batch/batchTypes';
import type { BatchRecord } from '../../core/batch/batchTypes';
import type { BatchHost } from './batchHost';

export const SHOW_BATCHES_COMMAND = 'resilientClaude.showBatches';
/** An ended batch stays in the status bar this long unless its results are opened. */
const RECENT_MS = 15 * 60_000;

export class BatchStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly opened = new Set<string>();

  constructor(private readonly batches: BatchHost) {
    this.item = vscode.window.createStatusBarItem('resilient-claude.batch', vscode.StatusBarAlignment.Right, 99);
    this.item.name = vscode.l10n.t('Resilient Claude Batches');
    this.item.command = SHOW_BATCHES_COMMAND;
    this.disposables.push(this.item, batches.onDidChange(() => this.render()));
    this.render();
  }

  /** The user opened this batch's results: it leaves the status bar once ended. */
  noteOpened(localId: string): void {
    this.opened.add(localId);
    this.render();
  }

  render(now = Date.now()): void {
    const all = this.batches.list();
    const running = all.filter(isActive);
    const recent = all.filter(
      (r) => r.status === 'ended' && r.resultsStored && !this.opened.has(r.localId) && now - (Date.parse(r.endedAt ?? '') || r.createdAt) < RECENT_MS,
    );
    const shown: BatchRecord[] = running.length > 0 ? running : recent;
    if (shown.length === 0) {
      this.item.hide();
      return;
    }
    const done = shown.reduce((n, r) => n + doneCount(r), 0);
    const total = shown.reduce((n, r) => n + r.total, 0);
    const icon = running.length > 0 ? '$(sync~spin)' : '$(check)';
    this.item.text = `${icon} ${vscode.l10n.t('Batch: {0}/{1} done', done, total)}`;
    const lines = shown.map((r) => `- **${r.title}** — ${r.status}, ${doneCount(r)}/${r.total} done${r.problem ? ` — ${r.problem.message}` : ''}`);
    const tooltip = new vscode.MarkdownString(
      [
        running.length > 0 ? vscode.l10n.t('Message Batches running (counts move when a batch ends):') : vscode.l10n.t('Message Batches ended:'),
        '',
        ...lines,
        '',
        vscode.l10n.t('Click to show batches.'),
      ].join('\n'),
    );
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: `${vscode.l10n.t('Batch: {0}/{1} done', done, total)}; ${shown.length} batch(es)` };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
