// Resilient Claude's own pieces of the workbench as a user meets them: its status-bar item, a
// palette command that leaves a screenshot when it cannot run, and a question through "Ask Claude…".
import type { Page } from 'playwright-core';
import { activeEditorText, fillInputBox, quickInputTitle, runCommand, screenshot, statusBarItem } from './workbench';
import { until } from './time';

export const STATUS_ID = 'resilient-claude.status';

/** Text as read on screen: non-breaking spaces and runs of white space made one space. */
export const flat = (text: string): string => text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

/** The status-bar item's accessible label (its tooltip's words), '' while it is not shown. */
export const statusLabel = async (page: Page): Promise<string> => (await statusBarItem(page, STATUS_ID).getAttribute('aria-label').catch(() => '')) ?? '';

/** The status-bar item's text, '' while it is not shown. */
export const statusText = async (page: Page): Promise<string> => flat(await statusBarItem(page, STATUS_ID).innerText().catch(() => ''));

/** Runs a palette command; when it cannot, the window as it was goes to test-results first (named after `suite`). */
export async function paletteCommand(page: Page, label: string, suite: string): Promise<void> {
  // The pointer left over a tab (where the last palette row was clicked) shows its hover, which can
  // keep F1 from opening the palette: move it onto the editor and dismiss any hover first.
  await page.mouse.move(700, 450);
  await page.keyboard.press('Escape');
  await runCommand(page, label).catch(async (error: unknown) => {
    await screenshot(page, `${suite}-no-${label.replace(/\W+/g, '-').toLowerCase()}`).catch(() => undefined);
    throw error;
  });
}

/** Asks through "Ask Claude…" and returns its answer document's text (not an earlier one's) once its closing note is written. */
export async function askClaude(page: Page, question: string, suite: string, done: RegExp = /Answered by|Failed:/): Promise<string> {
  await paletteCommand(page, 'Resilient Claude: Ask Claude…', suite);
  await until('the question box', () => quickInputTitle(page).catch(() => ''), (title) => title === 'Ask Claude', 10_000);
  await fillInputBox(page, question);
  return until('the answer document', async () => flat(await activeEditorText(page, 5000).catch(() => '')), (t) => t.includes(question) && done.test(t), 90_000);
}
