// Debian chromium driven by playwright-core: the window of the real VS Code under test.
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args';

export { CHROMIUM_ARGS };

/** Launches headless chromium with a fresh profile (playwright creates and removes it). */
export async function launchChromium(options: { executablePath?: string } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: options.executablePath ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 60_000,
  });
}

/**
 * A browser context for the workbench at `origin`, allowed to read and write the clipboard,
 * with a viewport large enough that status bar items are not hidden.
 */
export async function newWorkbenchContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

/** Opens a page in a fresh workbench context and forwards its errors to `onLog` if given. */
export async function newWorkbenchPage(
  browser: Browser,
  origin: string,
  onLog?: (line: string) => void,
): Promise<Page> {
  const context = await newWorkbenchContext(browser, origin);
  const page = await context.newPage();
  if (onLog) {
    page.on('pageerror', (error) => onLog(`[pageerror] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') onLog(`[console.error] ${message.text()}`);
    });
  }
  return page;
}
