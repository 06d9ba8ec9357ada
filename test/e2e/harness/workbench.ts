// Driving the VS Code workbench the way a user does: command palette, quick picks, input boxes,
// notifications, the status bar and the clipboard.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { ensureTestResultsDir } from './paths';
import { sleep } from './time';

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROWS = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/** The workbench URL that opens `folder`, with extra query parameters if given. */
export function workbenchUrl(serverUrl: string, folder: string, query: Record<string, string> = {}): string {
  const params = new URLSearchParams({ folder, ...query });
  return `${serverUrl}/?${params.toString()}`;
}

/**
 * Opens the workbench on `folder` and waits until the explorer lists a file, i.e. the workbench,
 * the remote file system and the extension host connection are up. `folder` must hold a file.
 */
export async function openWorkbench(page: Page, serverUrl: string, folder: string, timeoutMs = 90_000): Promise<void> {
  await page.goto(workbenchUrl(serverUrl, folder), { timeout: timeoutMs });
  await waitForWorkbench(page, timeoutMs);
}

export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  await page
    .locator('.explorer-folders-view .monaco-list-row')
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
}

/** A row's main label (its first line; the second line holds the detail). */
const ROW_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';
const ROW_DESCRIPTION = '.quick-input-list-rows > .quick-input-list-row:first-child .label-description';
const ROW_DETAIL = '.quick-input-list-label-meta';

function clean(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Labels of the rows the open quick input currently shows. */
export async function quickPickLabels(page: Page): Promise<string[]> {
  const texts = await page.locator(`${QUICK_INPUT_ROWS} ${ROW_LABEL}`).allInnerTexts();
  return texts.map(clean);
}

export interface QuickPickRow {
  label: string;
  description: string;
  detail: string;
}

/** Label, description and detail of every row the open quick input currently shows. */
export async function quickPickItems(page: Page): Promise<QuickPickRow[]> {
  const rows = await page.locator(QUICK_INPUT_ROWS).all();
  const items: QuickPickRow[] = [];
  for (const row of rows) {
    const text = async (selector: string): Promise<string> => {
      const found = row.locator(selector).first();
      return (await found.count()) > 0 ? clean(await found.innerText()) : '';
    };
    items.push({ label: await text(ROW_LABEL), description: await text(ROW_DESCRIPTION), detail: await text(ROW_DETAIL) });
  }
  return items;
}

/** Waits for the quick input (palette, quick pick or input box) to be visible. */
export async function waitForQuickInput(page: Page, timeoutMs = 10_000): Promise<Locator> {
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  return widget;
}

/**
 * Runs the palette row: a click, or, when something keeps the click from landing within a few
 * seconds (the list re-rendering, a toast or hover over it), Enter on the row when it is the
 * selected one, as a user would press it.
 */
async function clickRow(page: Page, row: Locator, label: string): Promise<void> {
  try {
    await row.click({ timeout: 5000 });
  } catch (error) {
    const selected = page.locator(`${QUICK_INPUT_ROWS}.focused`).filter({ has: page.locator(ROW_LABEL, { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) });
    if ((await selected.count()) === 0) throw error;
    await page.locator(QUICK_INPUT_BOX).press('Enter');
  }
}

/** What the quick input and the focus look like, for an error message when the palette misbehaves. */
async function quickInputState(page: Page): Promise<string> {
  return page
    .evaluate(() => {
      const describe = (el: Element | null): string => (el === null ? 'none' : `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
      const shown = (el: Element): boolean => el instanceof HTMLElement && el.offsetParent !== null;
      const widgets = [...document.querySelectorAll('.quick-input-widget')];
      const inputs = [...document.querySelectorAll('.quick-input-widget .quick-input-box input')];
      return JSON.stringify({
        widgets: widgets.map((w) => `${shown(w) ? 'shown' : 'hidden'} ${(w as HTMLElement).style.display || ''}`),
        inputs: inputs.map((i) => `${shown(i) ? 'shown' : 'hidden'}${(i as HTMLInputElement).disabled ? ' disabled' : ''}${(i as HTMLInputElement).readOnly ? ' readonly' : ''}`),
        focus: describe(document.activeElement),
        dialogs: document.querySelectorAll('.monaco-dialog-box').length,
      });
    })
    .catch((error: unknown) => `(state unavailable: ${String(error)})`);
}

/**
 * Puts `text` into the open palette's box. Playwright's fill waits for the box to look editable;
 * when it does not within a few seconds but the keyboard focus is in the box (as after F1), the
 * text is typed as a user types it. Otherwise the error says what the quick input looked like, and
 * the caller dismisses the palette and opens it again rather than waiting out its whole deadline.
 */
async function typeIntoPalette(page: Page, text: string): Promise<void> {
  try {
    await page.locator(QUICK_INPUT_BOX).fill(text, { timeout: 5000 });
    return;
  } catch (error) {
    const focused = await page
      .evaluate(() => document.activeElement instanceof HTMLInputElement && document.activeElement.closest('.quick-input-box') !== null)
      .catch(() => false);
    if (!focused) throw new Error(`${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)} ${await quickInputState(page)}`);
  }
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

async function closeQuickInput(page: Page): Promise<void> {
  if (await page.locator(QUICK_INPUT).isVisible()) await page.keyboard.press('Escape');
}

async function openPalette(page: Page): Promise<void> {
  await closeQuickInput(page);
  const ways: Array<() => Promise<void>> = [
    () => page.keyboard.press('F1'),
    // A hover left under the pointer (over a tab, where the last palette row was clicked) can
    // swallow F1 on a loaded machine: move the pointer onto the editor, dismiss it, press again.
    async () => {
      await page.mouse.move(700, 450);
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
    },
    // F1 went nowhere: the keyboard focus is inside a webview (a walkthrough step's markdown, a
    // panel) that kept it. The title bar's command center opens the same quick input by mouse.
    async () => {
      const center = page.locator('.command-center .command-center-center').first();
      if (await center.isVisible()) await center.click();
      else await page.keyboard.press('Control+Shift+P');
    },
  ];
  let last: unknown = null;
  for (const way of ways) {
    try {
      await way();
      await waitForQuickInput(page, 4000);
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

function rowWithLabel(page: Page, label: string): Locator {
  return page.locator(QUICK_INPUT_ROWS).filter({
    has: page.locator(ROW_LABEL, { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a command from the palette by its full label (e.g. "Resilient Claude: Show Diagnostics").
 * Commands register some time after the workbench loads and an open palette does not refresh,
 * so this reopens the palette until the command shows up or the deadline passes.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  let trouble = '';
  for (let tries = 0; Date.now() < deadline; tries++) {
    try {
      if (tries > 0) {
        // What kept the last try from working (a hover, a toast or a webview holding the keys)
        // is dismissed first: the pointer onto the editor, then Escape.
        await page.mouse.move(700, 450);
        await page.keyboard.press('Escape');
      }
      await openPalette(page);
      await typeIntoPalette(page, `>${label}`);
      const row = rowWithLabel(page, label).first();
      const rowDeadline = Math.min(deadline, Date.now() + 3000);
      while (Date.now() < rowDeadline) {
        if (await row.isVisible()) {
          await clickRow(page, row, label);
          return;
        }
        await sleep(150);
      }
      seen = await quickPickLabels(page);
      trouble = `typed ${JSON.stringify(await page.locator(QUICK_INPUT_BOX).inputValue().catch(() => '?'))}`;
    } catch (error) {
      // The palette closed or re-rendered under us; try again.
      trouble = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    }
    await sleep(500);
  }
  const shot = await screenshot(page, `palette-miss-${label}`).catch(() => 'none');
  await closeQuickInput(page);
  throw new Error(`command "${label}" did not appear in the palette within ${timeoutMs} ms; last rows: ${JSON.stringify(seen)}; last trouble: ${trouble}; screenshot ${shot}`);
}

/** Picks the quick pick item whose label is exactly `label` (the quick pick must be open or opening). */
export async function pickQuickPickItem(page: Page, label: string, timeoutMs = 10_000): Promise<void> {
  await waitForQuickInput(page, timeoutMs);
  const row = rowWithLabel(page, label).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/** Types into the open input box and, unless told otherwise, presses Enter. */
export async function fillInputBox(page: Page, text: string, options: { submit?: boolean; timeoutMs?: number; prompt?: RegExp } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  await waitForQuickInput(page, timeoutMs);
  // One input box after another reuses the widget: without waiting for the next one's prompt, the
  // text can go into the box just submitted, and the next waits for input forever.
  if (options.prompt !== undefined) {
    await page.locator(`${QUICK_INPUT} .quick-input-message`).filter({ hasText: options.prompt }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  }
  const input = page.locator(QUICK_INPUT_BOX);
  await input.fill(text);
  if (options.submit ?? true) await input.press('Enter');
}

/** The validation or prompt message shown under the open input box. */
export async function inputBoxMessage(page: Page): Promise<string> {
  return (await page.locator(`${QUICK_INPUT} .quick-input-message`).innerText()).trim();
}

/** The title of the open quick input, if any. */
export async function quickInputTitle(page: Page): Promise<string> {
  const title = page.locator(`${QUICK_INPUT} .quick-input-title`);
  return (await title.isVisible()) ? (await title.innerText()).trim() : '';
}

/** A visible notification toast whose message matches `message`. */
export function notification(page: Page, message: string | RegExp): Locator {
  return page.locator('.notifications-toasts .notification-toast').filter({
    has: page.locator('.notification-list-item-message', { hasText: message }),
  });
}

/** Waits for a notification toast matching `message` and returns its full message text (a toast
 *  alone: for a wait raced against another sign of the same event, which must not leave a look
 *  into the notification center running behind the test's next steps). */
export async function waitForToast(page: Page, message: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const toast = notification(page, message).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await toast.locator('.notification-list-item-message').innerText()).trim();
}

/** How long the notification center is searched once no toast showed. */
const CENTER_LOOK_MS = 5_000;

/**
 * The notification matching `message`: its toast, or — when none showed within `timeoutMs` — its
 * entry in the notification center, which keeps every notification, also one whose toast the
 * workbench dropped (more than three toasts within 800 ms, as a loaded machine can bunch them). The
 * center is left open; `done` closes it again.
 */
async function shownNotification(page: Page, message: string | RegExp, timeoutMs: number): Promise<{ item: Locator; done: () => Promise<void> }> {
  const toast = notification(page, message).first();
  const seen = await toast.waitFor({ state: 'visible', timeout: timeoutMs }).then(
    () => true,
    (error: unknown) => error,
  );
  if (seen === true) return { item: toast, done: () => Promise.resolve() };
  await runCommand(page, 'Notifications: Show Notifications');
  const listed = page.locator('.notifications-center .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: message }) }).first();
  const found = await listed.waitFor({ state: 'visible', timeout: CENTER_LOOK_MS }).then(() => true, () => false);
  const done = async (): Promise<void> => {
    await runCommand(page, 'Notifications: Hide Notifications').catch(() => page.keyboard.press('Escape'));
  };
  if (!found) {
    await done();
    throw seen;
  }
  return { item: listed, done };
}

/** Waits for a notification matching `message` (its toast, or its entry in the notification center
 *  when the workbench dropped the toast) and returns its full message text. */
export async function waitForNotification(page: Page, message: string | RegExp, timeoutMs = 15_000): Promise<string> {
  const { item, done } = await shownNotification(page, message, timeoutMs);
  const text = (await item.locator('.notification-list-item-message').innerText()).trim();
  await done();
  return text;
}

/**
 * Closes every notification, toasts and the notification center's list alike (a progress still
 * running stays), and waits until no toast is shown: a wait for a notification afterwards sees only
 * ones raised after this. Needed between tests because toasts only time out while the window has
 * focus, so old ones can linger and match, and because the workbench drops a toast outright when
 * more than three arrive within 800 ms.
 */
export async function clearNotifications(page: Page, timeoutMs = 10_000): Promise<void> {
  await runCommand(page, 'Notifications: Clear All Notifications');
  const shown = page.locator('.notifications-toasts .notification-toast').filter({ visible: true });
  const deadline = Date.now() + timeoutMs;
  while ((await shown.count()) > 0) {
    if (Date.now() > deadline) throw new Error(`notification toasts still shown after clearing: ${JSON.stringify(await shown.allInnerTexts())}`);
    await sleep(100);
  }
}

/**
 * Changes user settings of the running window the way a user does: "Preferences: Open User
 * Settings (JSON)" (a modal editor in this VS Code, an editor tab with `workbench.editor.useModal`
 * off), the file's content with `changes` merged in, saved and closed. Returns once the file on
 * disk (`<userDataDir>/User/settings.json`, where VS Code also writes settings changed through the
 * API) holds the change. An edit of that file from outside is not reliably noticed by code-server.
 */
export async function editUserSettings(page: Page, userDataDir: string, changes: Record<string, unknown>, timeoutMs = 15_000): Promise<void> {
  const file = join(userDataDir, 'User', 'settings.json');
  const wanted = { ...(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>), ...changes };
  const saved = (): boolean => {
    try {
      return JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) === JSON.stringify(wanted);
    } catch {
      return false; // being written
    }
  };
  await runCommand(page, 'Preferences: Open User Settings (JSON)');
  const modal = page.locator('.modal-editor-part').filter({ hasText: 'settings.json' });
  const tab = page.locator('.editor-group-container.active .tab.active', { hasText: 'settings.json' });
  await modal.or(tab).first().waitFor({ state: 'visible', timeout: timeoutMs });
  const inModal = await modal.isVisible();
  const editor = (inModal ? modal : page.locator('.editor-group-container.active')).locator('.monaco-editor .view-lines').first();
  // Pasted, not typed: typing would auto-close brackets and quotes (the clipboard is overwritten).
  await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(wanted, null, 2));
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('ControlOrMeta+v');
  await page.keyboard.press('ControlOrMeta+s');
  const deadline = Date.now() + timeoutMs;
  while (!saved()) {
    if (Date.now() > deadline) throw new Error(`the user settings were not saved with ${JSON.stringify(changes)}`);
    await sleep(100);
  }
  if (inModal) {
    // Escape closes a modal editor (the palette does not reach its commands while it is open).
    await page.keyboard.press('Escape');
    const closed = await modal.waitFor({ state: 'hidden', timeout: 3000 }).then(() => true, () => false);
    if (!closed) await modal.locator('.codicon-close').first().click();
    await modal.waitFor({ state: 'hidden', timeout: timeoutMs });
  } else {
    await runCommand(page, 'View: Close Editor');
  }
}

/** Messages of all visible notification toasts. */
export async function notificationMessages(page: Page): Promise<string[]> {
  const texts = await page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
  return texts.map((t) => t.trim());
}

/** Clicks the action button labelled `button` on the notification matching `message`. */
export async function clickNotificationAction(page: Page, message: string | RegExp, button: string, timeoutMs = 15_000): Promise<void> {
  const { item, done } = await shownNotification(page, message, timeoutMs);
  await item.locator('.notification-list-item-buttons-container .monaco-button', { hasText: button }).first().click();
  await done();
}

/**
 * A status bar item by the id given to `createStatusBarItem` (the workbench prefixes it with the
 * extension id in the element id) or, failing that, by its aria-label.
 */
export function statusBarItem(page: Page, idOrAriaLabel: string): Locator {
  const id = idOrAriaLabel.replace(/(["\\])/g, '\\$1');
  return page
    .locator(`.statusbar-item[id="${id}"], .statusbar-item[id$=".${id}"], .statusbar-item[aria-label*="${id}"]`)
    .first();
}

/** The visible text of a status bar item (codicons dropped). */
export async function statusBarText(page: Page, idOrAriaLabel: string, timeoutMs = 15_000): Promise<string> {
  const item = statusBarItem(page, idOrAriaLabel);
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await item.innerText()).replace(/\s+/g, ' ').trim();
}

/** Reads the browser clipboard (the context needs the clipboard-read permission). */
export async function readClipboard(page: Page): Promise<string> {
  await page.bringToFront();
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Saves a full-page screenshot to test-results/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(ensureTestResultsDir(), `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until the status bar item's text matches `pattern` and returns the text. */
export async function waitForStatusBarText(page: Page, idOrAriaLabel: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const item = statusBarItem(page, idOrAriaLabel);
  await item.filter({ hasText: pattern }).waitFor({ state: 'visible', timeout: timeoutMs });
  return clean(await item.innerText());
}

/**
 * The content of a webview panel: webviews are an outer iframe (`iframe.webview.ready`) holding
 * the page in `#active-frame`. `index` picks among several open webviews (default: the last opened).
 */
export function webviewFrame(page: Page, index?: number): FrameLocator {
  const outer = page.locator('iframe.webview.ready');
  const chosen = index === undefined ? outer.last() : outer.nth(index);
  return chosen.contentFrame().frameLocator('#active-frame');
}

/**
 * The text of the active editor as rendered (spaces normalised). Monaco renders only the lines in
 * view, so this suits short documents; scroll or use the clipboard for long ones.
 */
export async function activeEditorText(page: Page, timeoutMs = 15_000): Promise<string> {
  const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  await lines.waitFor({ state: 'visible', timeout: timeoutMs });
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}

/** Waits until the active editor's text matches `pattern` and returns it; on timeout the error shows what it showed. */
export async function waitForEditorText(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await activeEditorText(page, 1_000).catch(() => '');
    if (pattern.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`the active editor never matched ${pattern}; it shows:\n${text}`);
}

/** The title of the active editor tab (e.g. "notes.md"; the tab renders name and extension apart). */
export async function activeEditorTitle(page: Page, timeoutMs = 15_000): Promise<string> {
  const name = page.locator('.editor-group-container.active .tab.active .monaco-icon-label-container').first();
  await name.waitFor({ state: 'visible', timeout: timeoutMs });
  return clean((await name.innerText()).replace(/\n/g, ''));
}

/**
 * Selects `names` in the explorer as a user does (a click on the first, Ctrl/Cmd-click on the
 * others) and waits until every one of them is shown selected, so a right-click after this hands
 * the whole selection to a context-menu command.
 */
export async function selectExplorerFiles(page: Page, names: readonly string[], timeoutMs = 15_000): Promise<void> {
  const row = (name: string): Locator => page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: name }).first();
  for (const [index, name] of names.entries()) {
    await row(name).click(index === 0 ? {} : { modifiers: ['ControlOrMeta'] });
    await row(name).and(page.locator('[aria-selected="true"]')).waitFor({ state: 'visible', timeout: timeoutMs });
  }
  for (const name of names) {
    await row(name).and(page.locator('[aria-selected="true"]')).waitFor({ state: 'visible', timeout: timeoutMs });
  }
}

/**
 * Runs the item labelled `label` of the open context menu and waits for the menu to close. By
 * keyboard, not by a click: a menu item takes mouse clicks only once a 100 ms timer started when it
 * is drawn has fired (much later on a loaded machine), and drops a click that comes before. The
 * hover gives the item the focus, and Enter runs the focused item.
 */
export async function runContextMenuItem(page: Page, label: string, timeoutMs = 15_000): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu').first();
  const item = menu.locator('.action-item', { hasText: label }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const anchor = item.locator('.action-menu-item').first();
  const deadline = Date.now() + timeoutMs;
  while (!(await anchor.evaluate((el) => el.matches(':focus')).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the context menu item "${label}" did not take the focus within ${timeoutMs} ms`);
    await item.hover();
    await sleep(100);
  }
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: timeoutMs });
}

/**
 * Reloads the window as a user does, with "Developer: Reload Window"; when the palette does not
 * offer it in time, with the browser's own reload (what F5 does to a VS Code in a browser tab).
 * Returns once a new document has loaded the workbench.
 */
export async function reloadWindow(page: Page, timeoutMs = 90_000): Promise<void> {
  const marker = '__resilientClaudeBeforeReload';
  await page.evaluate((key) => Reflect.set(window, key, true), marker);
  try {
    await runCommand(page, 'Developer: Reload Window', 20_000);
  } catch (error) {
    process.stderr.write(`[e2e] reloading through the browser: ${error instanceof Error ? error.message : String(error)}\n`);
    await page.reload({ timeout: timeoutMs });
  }
  const deadline = Date.now() + timeoutMs;
  // The old document stays up for a moment after the command runs.
  while (await page.evaluate((key) => Reflect.get(window, key) === true, marker).catch(() => true)) {
    if (Date.now() > deadline) throw new Error(`the window did not reload within ${timeoutMs} ms`);
    await sleep(200);
  }
  await waitForWorkbench(page, timeoutMs);
}
