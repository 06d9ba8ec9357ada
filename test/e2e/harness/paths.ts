// Where things live: the repository, the provisioned VS Code, and the test output folder.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProvisionedPaths } from '../../../scripts/provision-vscode.mjs' with { 'resolution-mode': 'import' };

export type { ProvisionedPaths };

interface ProvisionScript {
  provision(): ProvisionedPaths & { report: string[] };
}

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const testResultsDir = join(repoRoot, 'test-results');

let cached: ProvisionedPaths | undefined;

/** Provisions (or finds in the cache) code-server, its Node and chromium. */
export async function provisionedPaths(): Promise<ProvisionedPaths> {
  if (cached) return cached;
  const script = join(repoRoot, 'scripts', 'provision-vscode.mjs');
  const module = (await import(pathToFileURL(script).href)) as ProvisionScript;
  const { report: _report, ...paths } = module.provision();
  cached = paths;
  return paths;
}

export function ensureTestResultsDir(): string {
  mkdirSync(testResultsDir, { recursive: true });
  return testResultsDir;
}
