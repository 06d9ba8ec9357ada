// Render benchmark of the diagnostics webview: time from the page's first snapshot to a painted
// panel for 7 days of history (6 models) and 500 failure rows, in headless Chromium.
//   npx tsx bench/render/renderBench.ts [--runs N]   (needs `npm run build` first)
// Prints JSON (medians over the runs): renderMs = historyRenderMs (first snapshot to painted
// charts and tables) + failuresRenderMs (opening the Failures tab: 500 rows); updateMs = one live
// update with the charts shown.
import { chromium } from 'playwright-core';
import { SYNTHETIC_MODELS, syntheticSnapshot } from './syntheticSnapshot';
import { writeStubPage } from './stubPage';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 5) : 5;
  const snapshot = syntheticSnapshot({ window: '7d', failures: 500 });
  const url = writeStubPage(snapshot);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const renderMs: number[] = [];
  const historyMs: number[] = [];
  const failuresMs: number[] = [];
  const updateMs: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('app')?.dataset.renderedAt !== undefined, null, { timeout: 20_000 });
      // Two animation frames: the work of the first snapshot has reached the screen.
      const firstPaint = await page.evaluate(
        () => new Promise<number>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())))),
      );
      const readyAt = await page.evaluate(() => (window as unknown as { __readyAt: number }).__readyAt);
      historyMs.push(firstPaint - readyAt);
      // Then the Failures tab with its 500 rows, as the user opens it.
      failuresMs.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const start = performance.now();
              (document.querySelectorAll('vscode-tab-header')[2] as HTMLElement).click();
              requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
            }),
        ),
      );
      renderMs.push((historyMs.at(-1) ?? 0) + (failuresMs.at(-1) ?? 0));
      const charts = await page.locator('figure.chart canvas').count();
      const rows = await page.locator('table.failures-table tbody tr').count();
      if (charts < SYNTHETIC_MODELS.length || rows !== 500) throw new Error(`incomplete render: ${charts} charts, ${rows} rows`);
      // Back to the charts for the live update below.
      await page.locator('vscode-tab-header').first().click();
      // A live update: the same data again with a new clock (what a storm's throttled pushes cost).
      updateMs.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const w = window as unknown as { __snapshot: { now: number } };
              const start = performance.now();
              window.postMessage({ type: 'snapshot', snapshot: { ...w.__snapshot, now: w.__snapshot.now + 1000 } }, '*');
              requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
            }),
        ),
      );
      await page.close();
    }
  } finally {
    await browser.close();
  }
  const result = {
    renderMs: Math.round(median(renderMs) * 10) / 10,
    historyRenderMs: Math.round(median(historyMs) * 10) / 10,
    failuresRenderMs: Math.round(median(failuresMs) * 10) / 10,
    updateMs: Math.round(median(updateMs) * 10) / 10,
    runs,
    models: SYNTHETIC_MODELS.length,
    bucketsPerModel: snapshot.models[0]?.buckets.length ?? 0,
    failureRows: snapshot.failures.length,
    snapshotBytes: Buffer.byteLength(JSON.stringify(snapshot)),
    renderMsAll: renderMs.map((v) => Math.round(v * 10) / 10),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`render bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
