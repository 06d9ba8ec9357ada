// The Failures tab: recent failed attempts in the window, filtered by model and class, with a
// copy button on every id (the host writes the clipboard and confirms).
import { h, replaceChildren } from './dom';
import { formatClock, formatStatus } from './format';
import type { ClassFilter, CopyKind, FailureRow, PanelSnapshot, WebviewToHost } from './protocol';

export function filterFailures(rows: readonly FailureRow[], modelFilter: string, classFilter: ClassFilter): FailureRow[] {
  return rows.filter(
    (r) => (modelFilter === 'all' || r.model === modelFilter) && (classFilter === 'all' || r.errorClass === classFilter),
  );
}

const KIND_LABEL: Record<CopyKind, string> = { requestId: 'request id', clientRequestId: 'client request id' };

export class FailuresView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly caption: HTMLElement;
  private readonly ids = new Map<string, { kind: CopyKind; value: string }>();

  constructor(private readonly post: (message: WebviewToHost) => void) {
    this.body = h('tbody', { on: { click: (event) => this.onClick(event) } });
    this.caption = h('p', { className: 'caption', attrs: { 'aria-live': 'polite' } });
    const headers = ['Time', 'Model', 'Provider', 'Status', 'Class', 'Request id (server)', 'Client id', 'Message'];
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
    this.ids.clear();
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
    const button = this.body.querySelector<HTMLElement>(`button[data-copy-key="${CSS.escape(copyKey)}"]`);
    if (!button) return;
    const label = button.getAttribute('aria-label') ?? '';
    button.classList.add('copied');
    button.textContent = 'Copied';
    button.setAttribute('aria-label', label.replace(/^Copy /, 'Copied '));
    setTimeout(() => {
      button.classList.remove('copied');
      button.textContent = 'Copy';
      button.setAttribute('aria-label', label);
    }, 2000);
  }

  private row(row: FailureRow, index: number, now: number): HTMLElement {
    return h('tr', { attrs: { 'data-class': row.errorClass, 'data-model': row.model } }, [
      h('td', { className: 'time', text: formatClock(row.time, now), attrs: { title: new Date(row.time).toISOString() } }),
      h('td', { text: row.model }),
      h('td', { text: row.provider }),
      h('td', { className: 'num', text: formatStatus(row.status) }),
      h('td', { text: row.errorClass }),
      this.idCell(row.requestId, 'requestId', `r${index}s`),
      this.idCell(row.clientRequestId, 'clientRequestId', `r${index}c`),
      h('td', { className: 'message', text: row.message || row.errorType || '' }),
    ]);
  }

  private idCell(value: string | null, kind: CopyKind, copyKey: string): HTMLElement {
    if (!value) return h('td', { className: 'id none', text: 'none' });
    this.ids.set(copyKey, { kind, value });
    return h('td', { className: 'id' }, [
      h('code', { text: value, attrs: { 'data-id-kind': kind } }),
      h('button', {
        className: 'copy',
        text: 'Copy',
        attrs: { type: 'button', 'data-copy-key': copyKey, 'aria-label': `Copy ${KIND_LABEL[kind]} ${value}` },
      }),
    ]);
  }

  private onClick(event: Event): void {
    const target = event.target;
    if (!(target instanceof HTMLElement)) return;
    const button = target.closest<HTMLElement>('button[data-copy-key]');
    const copyKey = button?.dataset.copyKey;
    const id = copyKey ? this.ids.get(copyKey) : undefined;
    if (!copyKey || !id) return;
    this.post({ type: 'copyId', kind: id.kind, value: id.value, copyKey });
  }
}
