// Small hand-written SVG charts: latency CDFs (log time axis) and attempts per second.

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

export interface Band {
  readonly fromX: number;
  readonly toX: number;
  readonly label: string;
}

const WIDTH = 720;
const HEIGHT = 340;
const MARGIN = { left: 60, right: 150, top: 36, bottom: 44 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function frame(title: string, xLabel: string, yLabel: string, body: string[], legend: readonly Series[]): string {
  const legendItems = legend.map((s, i) => {
    const y = MARGIN.top + 8 + i * 20;
    const x = WIDTH - MARGIN.right + 14;
    return `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${s.color}" stroke-width="2.5"/><text x="${x + 28}" y="${y + 4}">${escapeXml(s.name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...body,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}" stroke="#333"/>`,
    `<text x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text transform="translate(14 ${MARGIN.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    ...legendItems,
    '</svg>',
    '',
  ].join('\n');
}

function niceStep(range: number, ticks: number): number {
  const raw = range / Math.max(1, ticks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const nice = unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10;
  return nice * power;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Empirical CDF of each series (successful request latencies, ms), log-scaled x axis. */
export function latencyCdfSvg(title: string, series: readonly Series[]): string {
  const all = series.flatMap((s) => s.values).filter((v) => v > 0);
  const body: string[] = [];
  if (all.length === 0) {
    body.push(`<text x="${MARGIN.left + 20}" y="${MARGIN.top + 40}">no successful requests</text>`);
    return frame(title, 'latency (log scale)', 'share of successful requests', body, series);
  }
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const x = (v: number): number =>
    MARGIN.left + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1)) * PLOT_W;
  const y = (p: number): number => MARGIN.top + (1 - p) * PLOT_H;
  for (let decade = lo; decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > hi) break;
      const px = x(v).toFixed(1);
      body.push(`<line x1="${px}" y1="${MARGIN.top}" x2="${px}" y2="${MARGIN.top + PLOT_H}" stroke="#e4e4e4"/>`);
      body.push(`<text x="${px}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${formatMs(v)}</text>`);
    }
  }
  for (const p of [0, 0.25, 0.5, 0.75, 0.95, 1]) {
    const py = y(p).toFixed(1);
    body.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + PLOT_W}" y2="${py}" stroke="#e4e4e4"/>`);
    body.push(`<text x="${MARGIN.left - 6}" y="${Number(py) + 4}" text-anchor="end">${p}</text>`);
  }
  for (const s of series) {
    if (s.values.length === 0) continue;
    const sorted = [...s.values].sort((a, b) => a - b);
    const points: string[] = [`${x(sorted[0] ?? lo).toFixed(1)},${y(0).toFixed(1)}`];
    sorted.forEach((v, i) => {
      const px = x(v).toFixed(1);
      points.push(`${px},${y(i / sorted.length).toFixed(1)}`, `${px},${y((i + 1) / sorted.length).toFixed(1)}`);
    });
    body.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
  }
  return frame(title, 'latency of successful requests (log scale)', 'share of successful requests', body, series);
}

/** Upstream attempts per second per series, with shaded bands (e.g. the primary's failure phase). */
export function attemptsOverTimeSvg(title: string, series: readonly Series[], bands: readonly Band[]): string {
  const length = Math.max(1, ...series.map((s) => s.values.length));
  const maxY = Math.max(1, ...series.flatMap((s) => s.values));
  const stepY = niceStep(maxY, 5);
  const topY = Math.ceil(maxY / stepY) * stepY;
  const x = (sec: number): number => MARGIN.left + (sec / length) * PLOT_W;
  const y = (v: number): number => MARGIN.top + (1 - v / topY) * PLOT_H;
  const body: string[] = [];
  for (const band of bands) {
    const from = x(Math.max(0, band.fromX));
    const to = x(Math.min(length, band.toX));
    if (to <= from) continue;
    body.push(`<rect x="${from.toFixed(1)}" y="${MARGIN.top}" width="${(to - from).toFixed(1)}" height="${PLOT_H}" fill="#fbe3e3"/>`);
    body.push(`<text x="${(from + 4).toFixed(1)}" y="${MARGIN.top + 14}" fill="#a33">${escapeXml(band.label)}</text>`);
  }
  for (let v = 0; v <= topY; v += stepY) {
    const py = y(v).toFixed(1);
    body.push(`<line x1="${MARGIN.left}" y1="${py}" x2="${MARGIN.left + PLOT_W}" y2="${py}" stroke="#e4e4e4"/>`);
    body.push(`<text x="${MARGIN.left - 6}" y="${Number(py) + 4}" text-anchor="end">${v}</text>`);
  }
  const stepX = niceStep(length, 8);
  for (let sec = 0; sec <= length; sec += stepX) {
    body.push(`<text x="${x(sec).toFixed(1)}" y="${MARGIN.top + PLOT_H + 16}" text-anchor="middle">${sec}</text>`);
  }
  for (const s of series) {
    const points = s.values.map((v, i) => `${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`);
    if (points.length > 0) body.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
  }
  return frame(title, 'seconds since the scenario started', 'upstream attempts per second', body, series);
}
