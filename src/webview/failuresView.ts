// The Failures tab: recent failed attempts in the window, filtered by model and class, with a
// copy button on every id (the host writes the clipboard and confirms).
import { h, replaceChildren } from './dom';
import { formatClock, formatStatus } from './format';
import { CopyButtons } from './copyButtons';
import type { ClassFilter, FailureRow, PanelSnapshot, WebviewToHost } from './protocol';

export function filterFailures(rows: readonly FailureRow[], modelFilter: string, classFilter: ClassFilter): FailureRow[] {
  return rows.filter(
    (r) => (modelFilter === 'all' || r.model === modelFilter) && (classFilter === 'all' || r.errorClass === classFilter),
  );
}

export class FailuresView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly copies: CopyButtons;

  constructor(post: (message: WebviewToHost) => void) {
    this.copies = new CopyButtons(post);
    this.body = h('tbody', { on: { click: (event) => void this.copies.onClick(event) } });
    this.caption = h('p', { className: 'caption', attrs: { 'aria-live': 'polite' } });
    const headers = ['Time', 'Client', 'Model', 'Provider', 'Status', 'Class', 'Request id (server)', 'Client id', 'Message'];
    this.element = h('section', { className: 'failures', attrs: { 'aria-label': 'Recent failures' } }, [
      this.caption,
      h('div', { className: 'table-scroll' }, [
        h('table', { className: 'data failures-table', attrs: { 'aria-label': 'Failed attempts in the selected window' } }, [
          h('thead', {}, [h('tr', {}, headers.map((text) => h('th', { attrs: { scope: 'col' }, text })))]),
          this.body,
        ]),
      ]),
    ]);
  }

  render(snapshot: PanelSnapshot, modelFilter: string, classFilter: ClassFilter): void {
    const rows = filterFailures(snapshot.failures, modelFilter, classFilter);
    this.copies.clear();
    const filtered = modelFilter !== 'all' || classFilter !== 'all';
    const capped = snapshot.failureCount > snapshot.failures.length ? ` (newest ${snapshot.failures.length} of ${snapshot.failureCount})` : '';
    this.caption.textContent =
      snapshot.failureCount === 0
        ? 'No failures in this window.'
        : `${rows.length} failure${rows.length === 1 ? '' : 's'}${filtered ? ' matching the filters' : ''}${capped}.`;
    replaceChildren(this.body, rows.map((row, index) => this.row(row, index, snapshot.now)));
  }

  /** Marks the button that asked for a copy once the host confirms. */
  confirmCopy(copyKey: string): void {
    this.copies.confirm(this.body, copyKey);
  }

  private row(row: FailureRow, index: number, now: number): HTMLElement {
    return h('tr', { attrs: { 'data-class': row.errorClass, 'data-model': row.model } }, [
      h('td', { className: 'time', text: formatClock(row.time, now), attrs: { title: new Date(row.time).toISOString() } }),
      h('td', { className: 'client', text: row.client ?? '—', attrs: row.client === null ? { title: 'Not recorded (an older entry, or a caller that did not say)' } : {} }),
      h('td', { text: row.model }),
      h('td', { text: row.provider }),
      h('td', { className: 'num', text: formatStatus(row.status) }),
      h('td', { text: row.errorClass }),
      this.copies.cell(row.requestId, 'requestId', `r${index}s`),
      this.copies.cell(row.clientRequestId, 'clientRequestId', `r${index}c`),
      h('td', { className: 'message', text: row.message || row.errorType || '' }),
    ]);
  }
}
