// The History tab: a per-model totals table for the window and one chart per model.
import { HistoryChart } from './historyChart';
import { h, replaceChildren } from './dom';
import { formatPercent } from './format';
import type { ChartPalette } from './themeColors';
import type { ModelHistory, PanelSnapshot } from './protocol';

const COUNT_COLUMNS = [
  ['attempts', 'Attempts'],
  ['successes', 'Successes'],
  ['overloaded529', '529'],
  ['rateLimited429', '429'],
  ['server5xx', '5xx'],
  ['other', 'Other'],
] as const;

function summaryRow(history: ModelHistory, alerting: boolean): HTMLElement {
  const t = history.totals;
  return h('tr', { attrs: { 'data-model': history.model }, className: alerting ? 'alerting' : '' }, [
    h('th', { attrs: { scope: 'row' }, text: history.model }),
    ...COUNT_COLUMNS.map(([key]) => h('td', { className: 'num', attrs: { 'data-count': key }, text: String(t[key]) })),
    h('td', {
      className: 'num',
      attrs: { 'data-count': 'rate529' },
      text: formatPercent(t.attempts === 0 ? null : t.overloaded529 / t.attempts),
    }),
  ]);
}

export class HistoryView {
  readonly element: HTMLElement;
  private readonly summaryBody: HTMLElement;
  private readonly chartsHost: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly charts = new Map<string, HistoryChart>();
  private lastBucketMs = 0;

  constructor() {
    this.summaryBody = h('tbody');
    this.empty = h('p', { className: 'empty', text: 'No requests in this window yet.' });
    this.chartsHost = h('div', { className: 'charts' });
    this.element = h('section', { className: 'history', attrs: { 'aria-label': 'Per-model history' } }, [
      h('table', { className: 'summary data', attrs: { 'aria-label': 'Per-model totals for the selected window' } }, [
        h('thead', {}, [
          h('tr', {}, [
            h('th', { attrs: { scope: 'col' }, text: 'Model' }),
            ...COUNT_COLUMNS.map(([, label]) => h('th', { className: 'num', attrs: { scope: 'col' }, text: label })),
            h('th', { className: 'num', attrs: { scope: 'col' }, text: '529 rate' }),
          ]),
        ]),
        this.summaryBody,
      ]),
      this.empty,
      this.chartsHost,
    ]);
  }

  /** `visible`: charts are only drawn while the tab is shown (a hidden tab has no width). */
  render(snapshot: PanelSnapshot, modelFilter: string, palette: ChartPalette, paletteChanged: boolean, visible: boolean): void {
    const models = snapshot.models.filter((m) => modelFilter === 'all' || m.model === modelFilter);
    const firing = new Set(snapshot.alert.firing.map((f) => f.model));
    replaceChildren(this.summaryBody, models.map((m) => summaryRow(m, firing.has(m.model))));
    this.empty.hidden = models.some((m) => m.totals.attempts > 0);
    if (!visible) return;
    const rebuild = paletteChanged || snapshot.bucketMs !== this.lastBucketMs;
    this.lastBucketMs = snapshot.bucketMs;
    const wanted = new Set(models.map((m) => m.model));
    for (const [model, chart] of this.charts) {
      if (!wanted.has(model)) {
        chart.dispose();
        this.charts.delete(model);
      }
    }
    for (const history of models) {
      let chart = this.charts.get(history.model);
      const created = !chart;
      if (!chart) {
        chart = new HistoryChart(history.model);
        this.charts.set(history.model, chart);
      }
      this.chartsHost.append(chart.element); // keeps the charts in model order
      chart.update(history, snapshot.alert.threshold, snapshot.bucketMs, palette, rebuild || created);
    }
  }

  resize(): void {
    for (const chart of this.charts.values()) chart.resize();
  }
}
