// A stand-in for the VS Code executable that @vscode/test-electron's runTests() spawns: it starts a
// private code-server, opens the workbench in chromium with the suite in the URL's payload, relays
// the suite's output and exits with the suite's exit code.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, newWorkbenchContext, startCodeServer, workbenchUrl } from '../harness';
import type { CodeServer } from '../harness';
import { parseLaunchArgs, testPayload } from './launch-args';

const SUITE_TIMEOUT_MS = Number(process.env.RC_INHOST_TIMEOUT_MS ?? 600_000);
/** How long the workbench may take to load the extension and start the suite. */
const START_TIMEOUT_MS = 120_000;
/** First line the suite runner prints (test/e2e/inhost/suite/runner.ts). */
const SUITE_START_MARKER = '# in-host suite:';
const NOISE = /open-vsx\.org|ENOTFOUND|queryRawGalleryExtensions/;

interface AutomationLogFile {
  relativePath: string;
  contents: string;
}

function write(line: string): void {
  process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
}

async function main(): Promise<number> {
  const args = parseLaunchArgs(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'rc-inhost-'));
  let folder = args.folder;
  if (!folder) {
    folder = join(scratch, 'workspace');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'README.md'), '# In-host test workspace\n');
  }
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      userDataDir: args.userDataDir ?? join(scratch, 'user-data'),
      extensionsDir: args.extensionsDir ?? join(scratch, 'extensions'),
      smokeTestDriver: true,
    });
    write(`[inhost] code-server at ${server.url}; suite ${args.extensionTestsPath}`);
    browser = await launchChromium();
    const context = await newWorkbenchContext(browser, server.url);
    const page = await context.newPage();

    let settle: (code: number) => void = () => undefined;
    const exitCode = new Promise<number>((resolveExit) => {
      settle = resolveExit;
    });
    const verbose = process.env.RC_E2E_VERBOSE === '1';
    let started = false;
    const beforeStart: string[] = [];
    await page.exposeFunction('codeAutomationLog', (level: unknown, message: unknown) => {
      const text = Array.isArray(message) ? message.map(String).join(' ') : String(message);
      if (!started && text.startsWith(SUITE_START_MARKER)) started = true;
      const line = level === 'info' ? text : `[${String(level)}] ${text}`;
      if (verbose) write(line);
      else if (!started) beforeStart.push(line);
      else if (!NOISE.test(text)) write(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown, logs: unknown) => {
      if (process.env.RC_E2E_VERBOSE === '1' && Array.isArray(logs)) {
        for (const file of logs as AutomationLogFile[]) write(`[log ${file.relativePath}]\n${file.contents}`);
      }
      settle(typeof code === 'number' ? code : 1);
    });
    page.on('pageerror', (error) => write(`[page error] ${error.message}`));

    const url = workbenchUrl(server.url, folder, { payload: testPayload(server.port, args) });
    await page.goto(url, { timeout: 120_000 });
    const startTimer = setTimeout(() => {
      if (started) return;
      write(`[inhost] the suite did not start within ${START_TIMEOUT_MS} ms`);
      settle(1);
    }, START_TIMEOUT_MS);
    const timer = setTimeout(() => {
      write(`[inhost] the suite did not finish within ${SUITE_TIMEOUT_MS} ms`);
      settle(1);
    }, SUITE_TIMEOUT_MS);
    const code = await exitCode;
    clearTimeout(timer);
    clearTimeout(startTimer);
    if (code !== 0 && !verbose) {
      write(`[inhost] workbench log before the suite started:\n${beforeStart.join('\n')}`);
      write(`[inhost] code-server output:\n${server.output().slice(-4000)}`);
    }
    return code;
  } catch (error) {
    write(`[inhost] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    if (server) write(`[inhost] code-server output:\n${server.output().slice(-4000)}`);
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    write(`[inhost] ${String(error)}`);
    process.exit(1);
  },
);
