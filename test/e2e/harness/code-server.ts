// Starts a private code-server (the real VS Code workbench and Node extension host) on 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { provisionedPaths } from './paths';
import { removeTree, spawnGroup, stopProcessesUsing } from './process-group';
import type { GroupProcess } from './process-group';

const execFileAsync = promisify(execFile);

/** Settings that keep the workbench quiet and offline: no telemetry, updates, AI chat or git. */
export const QUIET_SETTINGS: Readonly<Record<string, unknown>> = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
};

export interface CodeServerOptions {
  userDataDir: string;
  extensionsDir: string;
  /** A packaged extension to install before the server starts. */
  vsix?: string;
  /** User settings, merged over QUIET_SETTINGS. */
  settings?: Record<string, unknown>;
  /**
   * Settings of `"scope": "machine"` (or machine-overridable): a remote window such as code-server
   * reads those from `<userDataDir>/Machine/settings.json`, not from the user's settings.
   */
  machineSettings?: Record<string, unknown>;
  /** Extra environment for the server and its extension host. */
  env?: Record<string, string>;
  /**
   * Start with `--vscode-option enable-smoke-test-driver`, which the in-host test runner needs
   * (the workbench only runs `extensionTestsPath` suites with it). Off by default: with it the
   * workbench never shows notification toasts, which UI tests want to see.
   */
  smokeTestDriver?: boolean;
  /** Port on 127.0.0.1 to serve on; a free one when absent. */
  port?: number;
  /** How long to wait for /healthz (default 60 s). */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** code-server's combined stdout and stderr so far. */
  output(): string;
  /** Stops the server and everything it spawned, waits until all of it has exited, then removes its private temp folder. */
  stop(): Promise<void>;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolvePort(port) : reject(new Error('no free port'))));
    });
  });
}

/** Environment that keeps code-server's config, data, caches and sockets inside `sandbox`. */
export async function codeServerEnv(sandbox: string, extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const paths = await provisionedPaths();
  const dirs = {
    XDG_CONFIG_HOME: join(sandbox, 'config'),
    XDG_DATA_HOME: join(sandbox, 'data'),
    XDG_CACHE_HOME: join(sandbox, 'cache'),
    TMPDIR: join(sandbox, 'tmp'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...dirs,
    PATH: `${join(paths.nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    // Each code-server has its own broker (never one a previous suite left behind), which exits
    // soon after its last window leaves instead of lingering for the default minutes.
    RESILIENT_CLAUDE_RUNTIME_DIR: join(sandbox, 'run'),
    RESILIENT_CLAUDE_BROKER_IDLE_MS: '3000',
    ...extra,
  };
  // Options meant for the test runner's Node must not leak into code-server's Node 24.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.VSCODE_IPC_HOOK_CLI;
  return env;
}

/** Writes User/settings.json under the user data folder: QUIET_SETTINGS plus `settings`. */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown> = {}): string {
  const userDir = join(userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  const file = join(userDir, 'settings.json');
  writeFileSync(file, `${JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2)}\n`);
  return file;
}

/** Writes Machine/settings.json under the user data folder (machine-scoped settings of a remote window). */
export function writeMachineSettings(userDataDir: string, settings: Record<string, unknown>): string {
  const machineDir = join(userDataDir, 'Machine');
  mkdirSync(machineDir, { recursive: true });
  const file = join(machineDir, 'settings.json');
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return file;
}

/** Installs a packaged extension into the given profile with code-server's CLI. */
export async function installVsix(options: { userDataDir: string; extensionsDir: string; vsix: string }): Promise<string> {
  const paths = await provisionedPaths();
  const sandbox = mkdtempSync(join(tmpdir(), 'rc-install-'));
  try {
    const { stdout, stderr } = await execFileAsync(
      paths.codeServer,
      [
        '--user-data-dir',
        resolve(options.userDataDir),
        '--extensions-dir',
        resolve(options.extensionsDir),
        '--install-extension',
        resolve(options.vsix),
        '--force',
      ],
      { env: await codeServerEnv(sandbox), timeout: 120_000, maxBuffer: 10_000_000 },
    );
    const output = `${stdout}${stderr}`;
    if (!/was successfully installed|is already installed/i.test(output)) {
      throw new Error(`installing ${options.vsix} did not report success:\n${output}`);
    }
    return output;
  } finally {
    removeTree(sandbox);
  }
}

/** Lists the extensions installed in a profile as `publisher.name@version`. */
export async function listInstalledExtensions(options: { userDataDir: string; extensionsDir: string }): Promise<string[]> {
  const paths = await provisionedPaths();
  const sandbox = mkdtempSync(join(tmpdir(), 'rc-list-'));
  try {
    const { stdout } = await execFileAsync(
      paths.codeServer,
      [
        '--user-data-dir',
        resolve(options.userDataDir),
        '--extensions-dir',
        resolve(options.extensionsDir),
        '--list-extensions',
        '--show-versions',
      ],
      { env: await codeServerEnv(sandbox), timeout: 60_000 },
    );
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[\w-]+\.[\w-]+@/.test(line));
  } finally {
    removeTree(sandbox);
  }
}

async function waitForHealth(url: string, server: GroupProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * Starts code-server on a free 127.0.0.1 port in its own process group and waits for /healthz.
 * Always call `stop()` (in a finally block).
 */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const paths = await provisionedPaths();
  const userDataDir = resolve(options.userDataDir);
  const extensionsDir = resolve(options.extensionsDir);
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.settings);
  if (options.machineSettings) writeMachineSettings(userDataDir, options.machineSettings);
  if (options.vsix) await installVsix({ userDataDir, extensionsDir, vsix: options.vsix });

  const sandbox = mkdtempSync(join(tmpdir(), 'rc-code-server-'));
  const env = await codeServerEnv(sandbox, options.env);
  let lastOutput = '';
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const port = options.port ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const server = spawnGroup(
      paths.codeServer,
      [
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        '--reconnection-grace-time',
        '5',
        ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ],
      { env, cwd: sandbox },
    );
    if (await waitForHealth(url, server, options.startTimeoutMs ?? 60_000)) {
      return {
        url,
        port,
        output: server.output,
        stop: async () => {
          // Its process group first, then what it left running on its folders (brokers), then the folders.
          await server.stop();
          await stopProcessesUsing(sandbox);
          removeTree(sandbox);
        },
      };
    }
    lastOutput = server.output();
    await server.stop();
    await stopProcessesUsing(sandbox);
    // A port taken between probing and binding is worth another try; anything else is not.
    if (!/EADDRINUSE/.test(lastOutput) || options.port !== undefined) break;
  }
  removeTree(sandbox);
  throw new Error(`code-server did not become healthy:\n${lastOutput.slice(-4000)}`);
}
