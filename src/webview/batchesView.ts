// The Batches tab: every Message Batch kept in this workspace — created, status,
// counts, ends at, cost estimate, the create call's request id — with copy buttons
// and the actions a batch allows (open results, cancel, check now, submit again, remove).
import { CopyButtons } from './copyButtons';
import { h, replaceChildren } from './dom';
import { formatClock } from './format';
import type { BatchAction, BatchRow, PanelSnapshot, WebviewToHost } from './protocol';

const STATUS_LABEL: Readonly<Record<BatchRow['status'], string>> = {
  submitting: 'submitting',
  not_submitted: 'not submitted',
  in_progress: 'in progress',
  canceling: 'canceling',
  ended: 'ended',
  gone: 'gone (its server stopped)',
};

const ACTION_LABEL: Readonly<Record<BatchAction, string>> = {
  openResults: 'Open Results',
  cancel: 'Cancel',
  refresh: 'Check Now',
  resubmit: 'Submit Again',
  remove: 'Remove From List',
};

/** The actions a batch allows now. */
export function batchActions(row: BatchRow): BatchAction[] {
  const active = row.status === 'in_progress' || row.status === 'canceling' || row.status === 'submitting';
  const actions: BatchAction[] = [];
  if (row.resultsStored) actions.push('openResults');
  const resultsMissing = row.status === 'ended' && !row.resultsStored;
  if ((active || resultsMissing) && row.batchId !== null) actions.push('refresh');
  if (row.status === 'in_progress' && row.batchId !== null) actions.push('cancel');
  if (row.status === 'not_submitted') actions.push('resubmit');
  // Anything the API no longer works on, or whose checking stopped on a problem, can leave the list.
  if (!active || row.problem !== null) actions.push('remove');
  return actions;
}

/** "2/3 done (2 succeeded, 1 errored)". */
export function batchCounts(row: BatchRow): string {
  const c = row.counts;
  const done = row.total - c.processing;
  const parts = [
    c.succeeded ? `${c.succeeded} succeeded` : '',
    c.errored ? `${c.errored} errored` : '',
    c.expired ? `${c.expired} expired` : '',
    c.canceled ? `${c.canceled} canceled` : '',
  ].filter(Boolean);
  return `${done}/${row.total} done${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export function formatCost(costUsd: number | null): string {
  if (costUsd === null) return 'unknown';
  return `≤ $${costUsd < 0.01 ? costUsd.toFixed(4) : costUsd.toFixed(2)}`;
}

export class BatchesView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly copies: CopyButtons;

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.copies = new CopyButtons(post);
    this.body = h('tbody', { on: { click: (event) => this.onClick(event) } });
    this.caption = h('p', { className: 'caption', attrs: { 'aria-live': 'polite' } });
    const headers = ['Created', 'Batch', 'Status', 'Requests', 'Ends at', 'Cost (estimate)', 'Batch id', 'Create request id', 'Actions'];
    this.element = h('section', { className: 'batches', attrs: { 'aria-label': 'Message Batches' } }, [
      this.caption,
      h('div', { className: 'table-scroll' }, [
        h('table', { className: 'data batches-table', attrs: { 'aria-label': 'Message Batches kept in this workspace' } }, [
          h('thead', {}, [h('tr', {}, headers.map((text) => h('th', { attrs: { scope: 'col' }, text })))]),
          this.body,
        ]),
      ]),
    ]);
  }

  render(snapshot: PanelSnapshot): void {
    const rows = snapshot.batches ?? [];
    this.copies.clear();
    this.caption.textContent =
      rows.length === 0
        ? 'No batches yet. Use "Ask Claude in Batch…" or "Run Prompt on Files in Batch…" for work that can wait: half the price, within 24 hours.'
        : `${rows.length} batch${rows.length === 1 ? '' : 'es'} kept in this workspace. Counts move when a batch ends. Costs are estimates from local token counts at batch prices.`;
    replaceChildren(this.body, rows.map((row, index) => this.row(row, index, snapshot.now)));
  }

  confirmCopy(copyKey: string): void {
    this.copies.confirm(this.body, copyKey);
  }

  private row(row: BatchRow, index: number, now: number): HTMLElement {
    const ends = row.endedAt ?? row.expiresAt;
    return h('tr', { attrs: { 'data-status': row.status, 'data-local-id': row.localId } }, [
      h('td', { className: 'time', text: formatClock(row.createdAt, now), attrs: { title: new Date(row.createdAt).toISOString() } }),
      h('td', { className: 'title' }, [h('span', { text: row.title }), h('span', { className: 'model', text: row.model })]),
      h('td', { className: 'status' }, [
        h('span', { text: STATUS_LABEL[row.status] }),
        row.problem ? h('span', { className: 'problem', text: row.problem, attrs: { role: 'note' } }) : null,
      ]),
      h('td', { className: 'counts', text: batchCounts(row) }),
      h('td', { className: 'time', text: ends ? `${row.endedAt ? 'ended ' : ''}${formatClock(Date.parse(ends), now)}` : '—', attrs: ends ? { title: ends } : {} }),
      h('td', { className: 'num', text: formatCost(row.costUsd) }),
      this.copies.cell(row.batchId, 'batchId', `b${index}b`),
      this.copies.cell(row.createRequestId, 'requestId', `b${index}r`),
      h(
        'td',
        { className: 'actions' },
        batchActions(row).map((action) =>
          h('vscode-button', {
            text: ACTION_LABEL[action],
            attrs: { secondary: '', 'data-batch-action': action, 'aria-label': `${ACTION_LABEL[action]}: ${row.title}` },
          }),
        ),
      ),
    ]);
  }

  private onClick(event: Event): void {
    if (this.copies.onClick(event)) return;
    const target = event.target;
    if (!(target instanceof HTMLElement)) return;
    const button = target.closest<HTMLElement>('[data-batch-action]');
    const localId = button?.closest<HTMLElement>('tr[data-local-id]')?.dataset.localId;
    const action = button?.dataset.batchAction as BatchAction | undefined;
    if (!button || !localId || !action) return;
    this.post({ type: 'batchAction', action, localId });
  }
}
