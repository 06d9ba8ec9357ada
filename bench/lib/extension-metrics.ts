// Figures about the shipped extension: production bundle sizes and the cost of
// loading/activating dist/extension.js outside VS Code.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

export interface BundleSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface ActivationFigures {
  /** Median ms to require() the production dist/extension.js with `vscode` answered by a stub. */
  readonly loadMs: number | null;
  /** Median ms for activate() to settle against a no-op `vscode` stub, or null when it could not run. */
  readonly activateMs: number | null;
  readonly samples: number;
  readonly note: string;
}

export interface ExtensionFigures {
  readonly bundles: readonly BundleSize[];
  readonly activation: ActivationFigures | null;
  readonly problem: string | null;
}

/** Builds the production bundles into a scratch directory (dist/ stays untouched). */
async function productionBuild(): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'rc-bench-build-'));
  for (const entry of ['src', 'node_modules', 'package.json', 'media']) {
    if (existsSync(join(ROOT, entry))) symlinkSync(join(ROOT, entry), join(scratch, entry));
  }
  copyFileSync(join(ROOT, 'esbuild.mjs'), join(scratch, 'esbuild.mjs'));
  await run(process.execPath, ['esbuild.mjs', '--production'], { cwd: scratch, timeout: 120_000 });
  return scratch;
}

function sizes(dist: string): BundleSize[] {
  if (!existsSync(dist)) return [];
  return readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((file) => {
      const content = readFileSync(join(dist, file));
      return { file, bytes: statSync(join(dist, file)).size, gzipBytes: gzipSync(content).length };
    });
}

/** Runs in a fresh Node process per sample so the module cache is cold. */
async function activationSample(extensionJs: string, storage: string): Promise<{ loadMs: number; activateMs: number | null; error: string | null }> {
  const probe = resolve(__dirname, 'activation-probe.cjs');
  const { stdout } = await run(process.execPath, [probe, extensionJs, storage], { timeout: 30_000 });
  const lines = stdout.trim().split('\n');
  const parsed: unknown = JSON.parse(lines[lines.length - 1] ?? '{}');
  const value = parsed as { loadMs: number; activateMs: number | null; error: string | null };
  return value;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

export async function measureExtension(samples: number): Promise<ExtensionFigures> {
  let scratch: string | null = null;
  try {
    scratch = await productionBuild();
    const dist = join(scratch, 'dist');
    const bundles = sizes(dist);
    const extensionJs = join(dist, 'extension.js');
    if (!existsSync(extensionJs)) {
      return { bundles, activation: null, problem: 'dist/extension.js was not built (src/extension/extension.ts missing).' };
    }
    const loads: number[] = [];
    const activations: number[] = [];
    let lastError: string | null = null;
    for (let i = 0; i < samples; i += 1) {
      const storage = mkdtempSync(join(tmpdir(), 'rc-bench-storage-'));
      try {
        const sample = await activationSample(extensionJs, storage);
        loads.push(sample.loadMs);
        if (sample.activateMs !== null) activations.push(sample.activateMs);
        lastError = sample.error;
      } finally {
        rmSync(storage, { recursive: true, force: true });
      }
    }
    const note =
      activations.length === samples
        ? 'activate() ran against a no-op `vscode` stub (every API call returns another stub; a getter returns its default): this is our own start-up work only, a lower bound for activation inside VS Code, where the API calls themselves cost time.'
        : `activate() did not complete against the stub (${lastError ?? 'unknown'}); only the module load is measured.`;
    return {
      bundles,
      activation: { loadMs: median(loads), activateMs: activations.length === samples ? median(activations) : null, samples, note },
      problem: null,
    };
  } catch (error) {
    return { bundles: [], activation: null, problem: error instanceof Error ? error.message.split('\n')[0] ?? 'build failed' : 'build failed' };
  } finally {
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  }
}
