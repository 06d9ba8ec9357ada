// One e2e session: a private sandbox (user data, extensions, a workspace), the simulator, a
// code-server with this run's packaged extension, chromium and its first window — and one
// teardown that undoes them in reverse order, each process group stopped and gone (its
// stray brokers too) before the sandbox is removed.
//
//   let session: E2eSession;
//   before(async () => {
//     session = await openSession({ name: 'chat', simulator: { scenario: 'healthy', apiKey: KEY },
//       codeServer: (simulatorUrl) => ({ machineSettings: { 'resilientClaude.baseUrl': simulatorUrl } }) });
//   });
//   after(() => session?.close());
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator, SimulatorOptions } from '../../../src/simulator/index';
import { launchChromium, newWorkbenchPage } from './browser';
import { startCodeServer } from './code-server';
import { outputChannelLog } from './logs';
import { ensureTestResultsDir } from './paths';
import type { CodeServer, CodeServerOptions } from './code-server';
import { packagedVsix } from './package';
import { removeTree, stopProcessesUsing } from './process-group';
import { openWorkbench } from './workbench';

/** code-server's options; the session supplies its folders and (unless `vsix: null`) the packaged extension. */
export type SessionCodeServerOptions = Omit<CodeServerOptions, 'userDataDir' | 'extensionsDir' | 'vsix'> & {
  readonly userDataDir?: string;
  readonly extensionsDir?: string;
  /** null: install nothing (the test installs it itself). */
  readonly vsix?: string | null;
};

export interface SessionOptions {
  /** Names the sandbox folder (rc-e2e-<name>-…). */
  readonly name: string;
  /** Files of the workspace the window opens (default: a notes.md). */
  readonly workspaceFiles?: Readonly<Record<string, string>>;
  /** A simulator to start before code-server. */
  readonly simulator?: SimulatorOptions;
  /** code-server's options, given the simulator's URL (null without one); no code-server when absent. */
  readonly codeServer?: (simulatorUrl: string | null, session: E2eSession) => SessionCodeServerOptions;
  /** Opens a first window on the workspace (default true with a code-server). */
  readonly window?: boolean;
}

export class E2eSession {
  readonly sandbox: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  private readonly cleanups: (() => unknown)[] = [];
  private simulatorRunning: RunningSimulator | undefined;
  private serverRunning: CodeServer | undefined;
  private browserRunning: Browser | undefined;
  private firstPage: Page | undefined;
  private closing: Promise<void> | undefined;

  constructor(name: string, workspaceFiles: Readonly<Record<string, string>> = { 'notes.md': '# Notes\n' }) {
    this.sandbox = mkdtempSync(join(tmpdir(), `rc-e2e-${name}-`));
    this.userDataDir = join(this.sandbox, 'user-data');
    this.extensionsDir = join(this.sandbox, 'extensions');
    this.workspace = join(this.sandbox, 'workspace');
    mkdirSync(this.workspace, { recursive: true });
    for (const [file, text] of Object.entries(workspaceFiles)) writeFileSync(join(this.workspace, file), text);
  }

  get simulator(): RunningSimulator {
    return required(this.simulatorRunning, 'simulator');
  }

  get server(): CodeServer {
    return required(this.serverRunning, 'code-server');
  }

  get browser(): Browser {
    return required(this.browserRunning, 'browser');
  }

  /** The first window opened on the workspace. */
  get page(): Page {
    return required(this.firstPage, 'window');
  }

  /** Runs `cleanup` at teardown, before what was started earlier is stopped. */
  defer(cleanup: () => unknown): void {
    this.cleanups.push(cleanup);
  }

  /** At teardown (before what runs now stops), the extension's output channel goes to test-results/<name>-output-channel.log. */
  keepOutputLog(name: string): void {
    this.defer(() => writeFileSync(join(ensureTestResultsDir(), `${name}-output-channel.log`), outputChannelLog(this.userDataDir)));
  }

  async startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
    const simulator = await startSimulator(options);
    this.defer(() => simulator.close());
    this.simulatorRunning ??= simulator;
    return simulator;
  }

  async startCodeServer(options: SessionCodeServerOptions = {}): Promise<CodeServer> {
    const { vsix, ...rest } = options;
    const server = await startCodeServer({
      ...rest,
      userDataDir: options.userDataDir ?? this.userDataDir,
      extensionsDir: options.extensionsDir ?? this.extensionsDir,
      ...(vsix === null ? {} : { vsix: vsix ?? packagedVsix() }),
    });
    this.defer(() => server.stop());
    this.serverRunning ??= server;
    return server;
  }

  async launchBrowser(): Promise<Browser> {
    const browser = await launchChromium();
    // A browser that already went (crashed, or closed by the test) needs no closing.
    this.defer(() => browser.close().catch(() => undefined));
    this.browserRunning ??= browser;
    return browser;
  }

  /** A new window (its own browser context) on `folder` (default the workspace), once the workbench is up. */
  async openWindow(folder = this.workspace, onLog?: (line: string) => void): Promise<Page> {
    const browser = this.browserRunning ?? (await this.launchBrowser());
    const page = await newWorkbenchPage(browser, this.server.url, onLog);
    this.firstPage ??= page;
    await openWorkbench(page, this.server.url, folder);
    return page;
  }

  /**
   * Undoes everything in reverse order — each step even when one before it failed — then stops
   * whatever still uses the sandbox and removes it. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const failures: unknown[] = [];
      for (const cleanup of this.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          failures.push(error);
        }
      }
      await stopProcessesUsing(this.sandbox);
      removeTree(this.sandbox);
      if (failures.length > 0) throw new AggregateError(failures, 'e2e session teardown');
    })();
    return this.closing;
  }
}

/** Starts a session as `options` describe; on failure, what it started is torn down before the error is thrown. */
export async function openSession(options: SessionOptions): Promise<E2eSession> {
  const session = new E2eSession(options.name, options.workspaceFiles);
  try {
    const simulator = options.simulator ? await session.startSimulator(options.simulator) : null;
    if (options.codeServer) {
      await session.startCodeServer(options.codeServer(simulator?.url ?? null, session));
      if (options.window ?? true) await session.openWindow();
    }
    return session;
  } catch (error) {
    await session.close().catch(() => undefined);
    throw error;
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this e2e session has no ${what}`);
  return value;
}
