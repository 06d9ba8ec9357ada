// Id cells with a Copy button, shared by the Failures and Batches tabs: the page asks
// the host to copy (the host writes the clipboard and confirms), and marks the button
// that asked once the confirmation arrives.
import { h } from './dom';
import type { CopyKind, WebviewToHost } from './protocol';

const KIND_LABEL: Record<CopyKind, string> = { requestId: 'request id', clientRequestId: 'client request id', batchId: 'batch id' };

export class CopyButtons {
  private readonly ids = new Map<string, { kind: CopyKind; value: string }>();

  constructor(private readonly post: (message: WebviewToHost) => void) {}

  /** Forget the ids of the previous render. */
  clear(): void {
    this.ids.clear();
  }

  cell(value: string | null, kind: CopyKind, copyKey: string): HTMLElement {
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

  /** Handles a click anywhere in the table: true when it was a copy button's. */
  onClick(event: Event): boolean {
    const target = event.target;
    if (!(target instanceof HTMLElement)) return false;
    const button = target.closest<HTMLElement>('button[data-copy-key]');
    const copyKey = button?.dataset.copyKey;
    const id = copyKey ? this.ids.get(copyKey) : undefined;
    if (!copyKey || !id) return false;
    this.post({ type: 'copyId', kind: id.kind, value: id.value, copyKey });
    return true;
  }

  /** Marks the button that asked for a copy, under `container`, once the host confirms. */
  confirm(container: HTMLElement, copyKey: string): void {
    const button = container.querySelector<HTMLElement>(`button[data-copy-key="${CSS.escape(copyKey)}"]`);
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
}
