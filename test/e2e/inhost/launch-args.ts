// Reads the command line that @vscode/test-electron's runTests() gives a VS Code executable.
import { resolve } from 'node:path';

export interface LaunchArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string;
  userDataDir?: string;
  extensionsDir?: string;
  /** The folder (or workspace) to open, if one was given. */
  folder?: string;
}

const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir', 'locale', 'log']);

/** Accepts `--flag=value` and `--flag value`; unknown `--switches` (e.g. --no-sandbox) are ignored. */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!VALUE_FLAGS.has(name)) continue;
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || value === '') throw new Error(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const extensionTestsPath = values.get('extensionTestsPath')?.[0];
  if (!extensionTestsPath) throw new Error('--extensionTestsPath is required');
  const extensionDevelopmentPaths = (values.get('extensionDevelopmentPath') ?? []).map((p) => resolve(p));
  if (extensionDevelopmentPaths.length === 0) throw new Error('--extensionDevelopmentPath is required');
  const userDataDir = values.get('user-data-dir')?.[0];
  const extensionsDir = values.get('extensions-dir')?.[0];
  const folder = positionals[0];
  return {
    extensionDevelopmentPaths,
    extensionTestsPath: resolve(extensionTestsPath),
    ...(userDataDir ? { userDataDir: resolve(userDataDir) } : {}),
    ...(extensionsDir ? { extensionsDir: resolve(extensionsDir) } : {}),
    ...(folder ? { folder: resolve(folder) } : {}),
  };
}

/** The workbench's `?payload=` value that makes it load the extensions and run the suite. */
export function testPayload(serverPort: number, args: LaunchArgs): string {
  const remote = (path: string): string => `vscode-remote://127.0.0.1:${serverPort}${encodeURI(path)}`;
  return JSON.stringify([
    ...args.extensionDevelopmentPaths.map((p) => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(args.extensionTestsPath)],
  ]);
}
