// Runs the in-host suite (test/e2e/inhost/suite/**/*.test.ts) inside a real VS Code extension host,
// through @vscode/test-electron's standard runTests() with code-launcher as the "VS Code executable".
//   node test/e2e/inhost/run.mjs            (RC_INHOST_GREP=text runs only tests whose name has it)
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..');
const suiteDir = join(here, 'suite');
const outFile = join(repoRoot, 'out', 'inhost-suite', 'index.js');

function suiteTestFiles() {
  return readdirSync(suiteDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
}

async function bundleSuite() {
  const files = suiteTestFiles();
  const contents = [...files.map((f) => `import './${f.split('\\').join('/')}';`), "export { run } from './index';"].join('\n');
  await esbuild.build({
    stdin: { contents, resolveDir: suiteDir, loader: 'ts', sourcefile: 'inhost-suite-entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    outfile: outFile,
    logLevel: 'warning',
  });
  return files;
}

async function main() {
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
    const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) return 1;
  }
  const files = await bundleSuite();
  console.log(`[inhost] suite: ${files.join(', ')} → ${relative(repoRoot, outFile)}`);

  const scratch = mkdtempSync(join(tmpdir(), 'rc-inhost-run-'));
  const workspace = join(scratch, 'workspace');
  mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.md'), '# Notes\n\nA workspace for the in-host suite.\n');
  try {
    await runTests({
      vscodeExecutablePath: join(here, 'code-launcher'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: outFile,
      launchArgs: [workspace, `--user-data-dir=${join(scratch, 'user-data')}`, `--extensions-dir=${join(scratch, 'extensions')}`],
    });
    return 0;
  } catch (error) {
    console.error(`[inhost] ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(await main());
