// The diagnostics panel: toolbar (window, filters, report/export), banners, and three tabs.
// State that must survive a reload (window, filters, tab) goes through setState and is also
// sent to the host, which builds snapshots for the selected window.
import { bannersFor, statusDescription } from './banners';
import { BatchesView } from './batchesView';
import { BreakerView } from './breakerView';
import { h, replaceChildren } from './dom';
import { FailuresView } from './failuresView';
import { formatAgo } from './format';
import { HistoryView } from './historyView';
import {
  ERROR_CLASSES,
  HISTORY_WINDOWS,
  PANEL_TABS,
  WINDOW_LABELS,
  isHostToWebview,
  panelStateOrDefault,
} from './protocol';
import type { HostToWebview, PanelSnapshot, PanelState } from './protocol';
import { readPalette, watchTheme } from './themeColors';
import type { ChartPalette } from './themeColors';
import type { HostBridge } from './vscodeApi';

const TAB_LABELS = { history: 'History', breakers: 'Breakers', failures: 'Failures', batches: 'Batches' } as const;

interface SelectElement extends HTMLElement {
  value: string;
}

function select(label: string, options: ReadonlyArray<readonly [string, string]>, value: string, onChange: (v: string) => void): SelectElement {
  const element = h(
    'vscode-single-select',
    { attrs: { label, 'aria-label': label, title: label }, on: { change: () => onChange(element.value) } },
    options.map(([v, text]) => h('vscode-option', { attrs: { value: v, ...(v === value ? { selected: '' } : {}) }, text })),
  ) as SelectElement;
  element.value = value;
  return element;
}

export class DiagnosticsApp {
  private state: PanelState;
  private snapshot: PanelSnapshot | undefined;
  private hostOffsetMs = 0;
  private palette: ChartPalette;
  private paletteChanged = true;
  private modelOptions = '';
  private readonly history = new HistoryView();
  private readonly breakers: BreakerView;
  private readonly failures: FailuresView;
  private readonly batches: BatchesView;
  private readonly banners = h('div', { className: 'banners' });
  private readonly statusLine = h('p', { className: 'status-line' });
  private readonly live = h('div', { className: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly windowSelect: SelectElement;
  private readonly classSelect: SelectElement;
  private readonly modelSelectHost = h('span', { className: 'model-select' });
  private modelSelect: SelectElement | undefined;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostBridge,
  ) {
    this.state = panelStateOrDefault(host.savedState());
    this.palette = readPalette();
    const post = host.post.bind(host);
    this.breakers = new BreakerView(post);
    this.failures = new FailuresView(post);
    this.batches = new BatchesView(post);

    this.windowSelect = select('History window', HISTORY_WINDOWS.map((w) => [w, WINDOW_LABELS[w]] as const), this.state.window, (v) =>
      this.update({ window: v as PanelState['window'] }),
    );
    this.classSelect = select(
      'Filter by error class',
      [['all', 'All classes'], ...ERROR_CLASSES.map((c) => [c, c] as const)],
      this.state.classFilter,
      (v) => this.update({ classFilter: v as PanelState['classFilter'] }),
    );
    this.tabs = h(
      'vscode-tabs',
      { attrs: { 'selected-index': String(PANEL_TABS.indexOf(this.state.tab)), 'aria-label': 'Diagnostics views' } },
      PANEL_TABS.flatMap((tab) => [
        h('vscode-tab-header', { attrs: { slot: 'header', id: `tab-${tab}` }, text: TAB_LABELS[tab] }),
        h('vscode-tab-panel', { attrs: { 'aria-labelledby': `tab-${tab}` } }, [this.viewFor(tab)]),
      ]),
    ) as HTMLElement & { selectedIndex: number };
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const tab = PANEL_TABS[index];
      if (tab && tab !== this.state.tab) this.update({ tab });
    });

    replaceChildren(root, [
      h('header', { className: 'top' }, [
        h('h1', { text: 'Resilient Claude — diagnostics' }),
        this.statusLine,
      ]),
      h('div', { className: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Window, filters and reports' } }, [
        this.windowSelect,
        this.modelSelectHost,
        this.classSelect,
        h('vscode-button', {
          text: 'Copy Escalation Report',
          attrs: { 'aria-label': 'Copy Escalation Report for the selected window', id: 'copy-report' },
          on: { click: () => this.host.post({ type: 'copyReport', window: this.state.window }) },
        }),
        h('vscode-button', {
          text: 'Export JSON',
          attrs: { secondary: '', 'aria-label': 'Export JSON of the selected window', id: 'export-json' },
          on: { click: () => this.host.post({ type: 'exportJson', window: this.state.window }) },
        }),
      ]),
      this.banners,
      this.live,
      this.tabs,
    ]);
    this.renderModelSelect([]);

    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      if (isHostToWebview(event.data)) this.onHostMessage(event.data);
    });
    watchTheme(() => {
      this.palette = readPalette();
      this.paletteChanged = true;
      this.render();
    });
    new ResizeObserver(() => this.history.resize()).observe(root);
    setInterval(() => this.tick(), 1000);

    this.host.saveState(this.state);
    this.host.post({ type: 'ready', state: this.state });
  }

  private viewFor(tab: PanelState['tab']): HTMLElement {
    if (tab === 'history') return this.history.element;
    if (tab === 'breakers') return this.breakers.element;
    if (tab === 'batches') return this.batches.element;
    return this.failures.element;
  }

  private hostNow(): number {
    return Date.now() + this.hostOffsetMs;
  }

  private update(change: Partial<PanelState>): void {
    this.state = { ...this.state, ...change };
    this.host.saveState(this.state);
    this.host.post({ type: 'stateChanged', state: this.state });
    this.render();
  }

  private onHostMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'snapshot':
        this.snapshot = message.snapshot;
        this.hostOffsetMs = message.snapshot.now - Date.now();
        this.render();
        this.root.dataset.renderedAt = String(message.snapshot.now);
        break;
      case 'notice':
        this.toast(message.text, message.level);
        if (message.copyKey) {
          this.failures.confirmCopy(message.copyKey);
          this.batches.confirmCopy(message.copyKey);
        }
        break;
      case 'restoreState':
        this.state = message.state;
        this.host.saveState(this.state);
        if (this.modelSelect && this.modelSelect.value !== this.state.modelFilter) this.modelOptions = ''; // rebuild with the filter
        this.render();
        break;
    }
  }

  private renderModelSelect(models: readonly string[]): void {
    const key = models.join('\n');
    if (key === this.modelOptions && this.modelSelectHost.firstChild) return;
    this.modelOptions = key;
    const known = this.state.modelFilter === 'all' || models.includes(this.state.modelFilter);
    const options: Array<readonly [string, string]> = [['all', 'All models'], ...models.map((m) => [m, m] as const)];
    if (!known) options.push([this.state.modelFilter, this.state.modelFilter]);
    this.modelSelect = select('Filter by model', options, this.state.modelFilter, (v) => this.update({ modelFilter: v }));
    replaceChildren(this.modelSelectHost, [this.modelSelect]);
  }

  private render(): void {
    if (this.windowSelect.value !== this.state.window) this.windowSelect.value = this.state.window;
    if (this.classSelect.value !== this.state.classFilter) this.classSelect.value = this.state.classFilter;
    const tabIndex = PANEL_TABS.indexOf(this.state.tab);
    if (this.tabs.selectedIndex !== tabIndex) this.tabs.selectedIndex = tabIndex;
    const snapshot = this.snapshot;
    this.root.dataset.window = this.state.window;
    this.root.dataset.tab = this.state.tab;
    if (!snapshot) return;
    this.renderModelSelect(snapshot.models.map((m) => m.model));
    // A snapshot for another window may still be on its way: show what we have until it lands.
    this.history.render(snapshot, this.state.modelFilter, this.palette, this.paletteChanged, this.state.tab === 'history');
    if (this.state.tab === 'history') this.paletteChanged = false;
    this.breakers.render(snapshot, () => this.hostNow());
    // Up to 500 rows: only rebuilt while the Failures tab is shown (switching to it renders it).
    if (this.state.tab === 'failures') this.failures.render(snapshot, this.state.modelFilter, this.state.classFilter);
    this.batches.render(snapshot);
    this.renderBanners(snapshot);
    this.root.dataset.snapshotWindow = snapshot.window;
  }

  private renderBanners(snapshot: PanelSnapshot): void {
    replaceChildren(
      this.banners,
      bannersFor(snapshot).map((banner) =>
        h('div', { className: `banner ${banner.kind}`, attrs: { role: banner.kind === 'status-error' || banner.kind === 'simulated' ? 'note' : 'alert' } }, [
          h('span', { text: banner.text }),
          banner.url ? h('a', { text: 'Details', attrs: { href: banner.url, 'aria-label': 'Incident details on the status page' } }) : null,
        ]),
      ),
    );
    this.renderStatusLine(snapshot);
  }

  private renderStatusLine(snapshot: PanelSnapshot): void {
    const status = snapshot.anthropicStatus;
    if (!status) {
      this.statusLine.textContent = 'Anthropic status: not checked.';
      return;
    }
    const what = statusDescription(status);
    const label = (snapshot.simulated ?? null) !== null ? 'Anthropic status (simulated by the rehearsal)' : 'Anthropic status';
    this.statusLine.textContent = `${label}: ${what} (checked ${formatAgo(status.fetchedAt, this.hostNow())}).`;
  }

  private tick(): void {
    const now = this.hostNow();
    this.breakers.tick(now);
    if (this.snapshot) this.renderStatusLine(this.snapshot);
  }

  private toast(text: string, level: 'info' | 'error'): void {
    this.live.textContent = text;
    this.live.className = `toast visible ${level}`;
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.live.className = 'toast';
    }, 4000);
  }
}
