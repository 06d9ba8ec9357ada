// "Batch: 3/120 done" in the status bar while batches run (the API moves a batch's
// counts when it ends), then a check mark until the results are opened; a batch
// whose checking stopped on a problem shows as needing attention; a click shows
// the batches.
import * as vscode from 'vscode';
import { doneCount, isActive, needsUser } from '../../core/batch/batchTypes';
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
    // Only batches still followed spin; one stopped on a problem only the user can solve (a
    // refused key, an unknown batch) is shown as needing attention, never as running for good;
    // one whose server is gone leaves the status bar (the list keeps it, with the reason).
    const running = all.filter((r) => isActive(r) && !needsUser(r));
    const stuck = all.filter((r) => isActive(r) && needsUser(r));
    const recent = all.filter(
      (r) => r.status === 'ended' && r.resultsStored && !this.opened.has(r.localId) && now - (Date.parse(r.endedAt ?? '') || r.createdAt) < RECENT_MS,
    );
    const shown: BatchRecord[] = running.length > 0 ? running : stuck.length > 0 ? stuck : recent;
    if (shown.length === 0) {
      this.item.hide();
      return;
    }
    const done = shown.reduce((n, r) => n + doneCount(r), 0);
    const total = shown.reduce((n, r) => n + r.total, 0);
    const icon = running.length > 0 ? '$(sync~spin)' : stuck.length > 0 ? '$(warning)' : '$(check)';
    this.item.text =
      running.length === 0 && stuck.length > 0
        ? `${icon} ${vscode.l10n.t('Batch: needs attention')}`
        : `${icon} ${vscode.l10n.t('Batch: {0}/{1} done', done, total)}`;
    const lines = shown.map((r) => `- **${r.title}** — ${r.status}, ${doneCount(r)}/${r.total} done${r.problem ? ` — ${r.problem.message}` : ''}`);
    const heading =
      running.length > 0
        ? vscode.l10n.t('Message Batches running (counts move when a batch ends):')
        : stuck.length > 0
          ? vscode.l10n.t('Message Batches waiting for you (checking stopped on a problem):')
          : vscode.l10n.t('Message Batches ended:');
    const tooltip = new vscode.MarkdownString(
      [
        heading,
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
