// One uPlot chart per model: 529s as bars, 429s and 5xx as separate stepped lines (count axis,
// left), the 529 rate and the alert threshold as lines (percent axis, right).
import uPlot from 'uplot';
import { chartColumns, chartDescription } from './chartData';
import { h } from './dom';
import type { ChartPalette } from './themeColors';
import type { ModelHistory } from './protocol';

const CHART_HEIGHT = 200;
/** Counts are whole numbers: no 0.5 ticks. */
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

function timeFormatter(bucketMs: number): (u: uPlot, splits: number[]) => string[] {
  const withDate = bucketMs >= 60 * 60_000;
  return (_u, splits) =>
    splits.map((s) => {
      const d = new Date(s * 1000);
      const time = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
      return withDate ? `${d.getMonth() + 1}/${d.getDate()} ${time}` : time;
    });
}

/** Marks the buckets where a sparse series is above zero, so a lone 429 or 5xx stays visible. */
const nonZeroPoints: uPlot.Series.Points.Filter = (u, seriesIdx) => {
  const values = u.data[seriesIdx] ?? [];
  const indices: number[] = [];
  for (let i = 0; i < values.length; i++) if ((values[i] ?? 0) > 0) indices.push(i);
  return indices;
};

function options(width: number, palette: ChartPalette, bucketMs: number, threshold: number): uPlot.Options {
  const axis = { stroke: palette.axis, grid: { stroke: palette.grid, width: 1 }, ticks: { stroke: palette.grid } };
  return {
    width,
    height: CHART_HEIGHT,
    legend: { show: true, live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, count: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max)] }, rate: { range: (_u, _min, max) => [0, Math.min(100, Math.max(threshold * 200, (max ?? 0) * 1.15, 1))] } },
    axes: [
      { ...axis, values: timeFormatter(bucketMs) },
      { ...axis, scale: 'count', label: 'count', size: 48, incrs: COUNT_STEPS },
      { ...axis, scale: 'rate', side: 1, label: '529 rate %', size: 52, grid: { show: false } },
    ],
    series: [
      {},
      {
        label: '529 overloaded',
        scale: 'count',
        stroke: palette.overloaded,
        fill: palette.overloaded,
        width: 1,
        paths: uPlot.paths.bars?.({ size: [0.7, 24] }),
        points: { show: false },
      },
      {
        label: '429 rate limited',
        scale: 'count',
        stroke: palette.rateLimited,
        width: 2,
        paths: uPlot.paths.stepped?.({ align: 1 }),
        points: { show: true, size: 6, fill: palette.rateLimited, filter: nonZeroPoints },
      },
      {
        label: '5xx server errors',
        scale: 'count',
        stroke: palette.serverErrors,
        width: 2,
        dash: [4, 3],
        paths: uPlot.paths.stepped?.({ align: 1 }),
        points: { show: true, size: 6, fill: palette.serverErrors, filter: nonZeroPoints },
      },
      { label: '529 rate %', scale: 'rate', stroke: palette.rate, width: 2, spanGaps: false, points: { size: 6, fill: palette.rate } },
      { label: 'alert threshold %', scale: 'rate', stroke: palette.threshold, width: 2, dash: [8, 4], points: { show: false } },
    ],
  };
}

export class HistoryChart {
  readonly element: HTMLElement;
  private readonly plotHost: HTMLElement;
  private plot: uPlot | undefined;
  private lastWidth = 0;

  constructor(readonly model: string) {
    this.plotHost = h('div', { className: 'chart-plot' });
    this.element = h('figure', { className: 'chart', attrs: { 'data-model': model } }, [
      h('figcaption', { className: 'chart-title', text: model }),
      this.plotHost,
    ]);
    this.plotHost.setAttribute('role', 'img');
  }

  /** Draws (or redraws) the chart; rebuilds it when the palette or bucket size changed. */
  update(history: ModelHistory, threshold: number, bucketMs: number, palette: ChartPalette, rebuild: boolean): void {
    this.plotHost.setAttribute('aria-label', chartDescription(history, threshold));
    const c = chartColumns(history, threshold);
    const data: uPlot.AlignedData = [c.x, c.overloaded529, c.rateLimited429, c.server5xx, c.rate529Percent, c.thresholdPercent];
    const width = this.width();
    if (this.plot && !rebuild) {
      this.plot.setData(data);
      if (width !== this.lastWidth) this.resize(width);
      return;
    }
    this.plot?.destroy();
    this.lastWidth = width;
    this.plot = new uPlot(options(width, palette, bucketMs, threshold), data, this.plotHost);
  }

  resize(width = this.width()): void {
    if (!this.plot || width === this.lastWidth || width <= 0) return;
    this.lastWidth = width;
    this.plot.setSize({ width, height: CHART_HEIGHT });
  }

  dispose(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.element.remove();
  }

  private width(): number {
    return Math.max(280, Math.floor(this.element.parentElement?.clientWidth ?? 600) - 8);
  }
}
