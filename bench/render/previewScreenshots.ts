// Screenshots of the built webview with a synthetic snapshot in dark, light and high-contrast
// themes, one per tab, into test-results/panel-preview/ (for eyeballing layout and colours).
//   npx tsx bench/render/previewScreenshots.ts
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { syntheticSnapshot } from './syntheticSnapshot';
import { writeStubPage } from './stubPage';
import type { ThemeKind } from './stubPage';

async function main(): Promise<void> {
  const out = resolve(__dirname, '../../test-results/panel-preview');
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    for (const theme of ['vscode-dark', 'vscode-light', 'vscode-high-contrast'] as ThemeKind[]) {
      const url = writeStubPage(syntheticSnapshot({ window: '24h', failures: 40 }), theme);
      const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('app')?.dataset.renderedAt !== undefined);
      await page.waitForTimeout(300);
      for (const [index, tab] of ['history', 'breakers', 'failures'].entries()) {
        await page.locator('vscode-tab-header').nth(index).click();
        await page.waitForTimeout(200);
        await page.screenshot({ path: join(out, `${theme}-${tab}.png`), fullPage: false });
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(`screenshots in ${out}\n`);
}

void main();
