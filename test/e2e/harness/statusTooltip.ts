// The status-bar item's tooltip as a user reads it: hovered, and hovered again until its table
// says what the test waits for. A hover can show before its table is laid out, re-render as the
// status updates, keep the text it had when it opened, or be dropped when it starts while the
// item re-renders; each of those is met by moving away and hovering again, a bounded number of times.
import type { Locator, Page } from 'playwright-core';
import { statusBarItem } from './workbench';
import { STATUS_ID } from './extensionUi';
import { sleep } from './time';

/** What the tooltip showed at one moment (read at once, so a re-render cannot mix two states). */
export interface TooltipTable {
  /** The whole tooltip's text, non-breaking spaces made spaces. */
  readonly text: string;
  /** Each table row's text (its cells apart by white space), the header row first. */
  readonly rows: readonly string[];
  /** How many header cells the table has. */
  readonly headers: number;
}

export interface ShownTooltip {
  /** The tooltip, still shown (the pointer stays on the item): move the pointer away when done. */
  readonly hover: Locator;
  readonly table: TooltipTable;
}

export interface TooltipOptions {
  /** The status-bar item hovered (default: Resilient Claude's). */
  readonly itemId?: string;
  /** How many times it is hovered at the most (default 12). */
  readonly hovers?: number;
  /** How long one hover waits for the tooltip to show (default 4 s). */
  readonly showMs?: number;
  /** The pause before hovering again (default 300 ms; longer to wait for a state that takes a while). */
  readonly pauseMs?: number;
}

const NO_TOOLTIP: TooltipTable = { text: '', rows: [], headers: 0 };

/** The row of `table` for `model` (not for a longer id that starts with it), spaces made single. */
export function tooltipRowFor(table: TooltipTable, model: string): string | undefined {
  return table.rows.find((row) => row.includes(model) && !row.includes(`${model}-`))?.replace(/[\s\u00a0]+/g, ' ');
}

async function readTable(hover: Locator): Promise<TooltipTable> {
  return hover
    .evaluate((el) => ({
      text: (el as HTMLElement).innerText.replace(/\u00a0/g, ' '),
      rows: [...el.querySelectorAll('tr')].map((row) => row.innerText),
      headers: el.querySelectorAll('th').length,
    }))
    .catch(() => NO_TOOLTIP);
}

/**
 * Hovers the status-bar item until `holds` is true of its tooltip's table, and returns the tooltip
 * (left shown) with what it showed. After `hovers` tries the error names `what` and the last table seen.
 */
export async function hoverStatusTooltip(page: Page, what: string, holds: (table: TooltipTable) => boolean, options: TooltipOptions = {}): Promise<ShownTooltip> {
  const hovers = options.hovers ?? 12;
  const hover = page.locator('.monaco-hover').filter({ hasText: 'Resilient Claude' }).first();
  let last = NO_TOOLTIP;
  let shown = 0;
  for (let tries = 0; tries < hovers; tries++) {
    if (tries > 0) await sleep(options.pauseMs ?? 300);
    await page.mouse.move(700, 300);
    await statusBarItem(page, options.itemId ?? STATUS_ID).hover();
    if (!(await hover.waitFor({ state: 'visible', timeout: options.showMs ?? 4000 }).then(() => true, () => false))) continue;
    shown += 1;
    last = await readTable(hover);
    if (holds(last)) return { hover, table: last };
  }
  await page.mouse.move(700, 300);
  throw new Error(
    `the status tooltip never showed ${what} in ${hovers} hovers (shown ${shown} times); ` +
      `it last showed ${last.headers} header cells and rows ${JSON.stringify(last.rows)}${last.rows.length === 0 ? `, text ${JSON.stringify(last.text)}` : ''}`,
  );
}

/** As hoverStatusTooltip, then the pointer leaves and the tooltip is dismissed: what it showed. */
export async function readStatusTooltip(page: Page, what: string, holds: (table: TooltipTable) => boolean, options: TooltipOptions = {}): Promise<TooltipTable> {
  const { table } = await hoverStatusTooltip(page, what, holds, options);
  await page.mouse.move(700, 400);
  await page.keyboard.press('Escape');
  return table;
}
