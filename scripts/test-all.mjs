// npm test: every check, in order, with one summary line at the end.
//   node scripts/test-all.mjs               build, typecheck, unit, integration, bench, provision, e2e, in-host
//   node scripts/test-all.mjs unit e2e      only the named stages
//   RC_SKIP_E2E=1 npm test                  skip provisioning, e2e and in-host (quick local runs)
// Output streams as it comes; the summary names every failed test and its last line reads
// "N passed, N failed" (tests summed over the stages; a stage that fails without reporting a failed
// test, e.g. a type error, counts as one failure).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { nodeTestStage } from './node-test-stage.mjs';
import { MINUTE, repoRoot, runStreaming } from './run-streaming.mjs';

const node = process.execPath;

/** Test files under `dir` (relative to the repository), sorted, skipping `exclude` folders. */
function testFiles(dir, exclude = []) {
  const abs = join(repoRoot, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .filter((f) => !exclude.some((x) => f.startsWith(x)))
    .sort();
}

/** Last "# pass N" / "# fail N" (TAP) or "ℹ pass N" / "ℹ fail N" (spec) counts in `text`. */
export function parseCounts(text) {
  const last = (name) => {
    const matches = [...text.matchAll(new RegExp(`^(?:#|ℹ) ${name} (\\d+)\\s*$`, 'gm'))];
    const match = matches.at(-1);
    return match ? Number(match[1]) : undefined;
  };
  return { passed: last('pass'), failed: last('fail') };
}

function commandStage(name, command, args, timeoutMs) {
  return {
    name,
    async run() {
      const { code } = await runStreaming(command, args, { timeoutMs });
      return { code, passed: 0, failed: 0 };
    },
  };
}

function inHostStage() {
  return {
    name: 'in-host',
    async run() {
      const { code, stdout } = await runStreaming(node, [join('test', 'e2e', 'inhost', 'run.mjs')], {
        timeoutMs: 20 * MINUTE,
      });
      const counts = parseCounts(stdout);
      return { code, passed: counts.passed ?? 0, failed: counts.failed ?? 0 };
    },
  };
}

/** Packages the extension once for every e2e file (test/e2e/harness/package.ts reads RC_E2E_VSIX). */
async function packageOnce(scratch) {
  const { packageExtension } = await import('./package.mjs');
  const vsix = join(scratch, 'resilient-claude.vsix');
  copyFileSync(packageExtension(), vsix);
  return { RC_E2E_VSIX: vsix };
}

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const skipE2e = process.env.RC_SKIP_E2E === '1';
const allStages = [
  commandStage('build', node, ['esbuild.mjs'], 5 * MINUTE),
  commandStage('typecheck', node, [tsc, '-p', '.', '--noEmit'], 10 * MINUTE),
  // One process for every unit file (test/unit/allUnitTests.ts loads them all): a process per file
  // costs seven times the CPU in start-up alone.
  nodeTestStage('unit', testFiles('test/unit').length > 0 ? [join('test', 'unit', 'allUnitTests.ts')] : [], { timeoutMs: 20 * MINUTE }),
  // --test-force-exit: a file whose tests have all reported ends even if a handle (a socket, a
  // timer) would keep it open; otherwise one such leak holds the whole stage until its time limit.
  nodeTestStage('integration', testFiles('test/integration'), { timeoutMs: 30 * MINUTE, args: ['--test-concurrency=1', '--test-force-exit'] }),
  // The benchmark's drivers and metrics (against the simulator and a local Portkey gateway).
  nodeTestStage('bench', testFiles('bench/test'), { timeoutMs: 10 * MINUTE, args: ['--test-concurrency=1'] }),
  ...(skipE2e
    ? []
    : [
        commandStage('provision', node, [join('scripts', 'provision-vscode.mjs')], 30 * MINUTE),
        nodeTestStage('e2e', testFiles('test/e2e', [join('test', 'e2e', 'inhost')]), {
          timeoutMs: 45 * MINUTE,
          args: ['--test-concurrency=1'],
          prepare: packageOnce,
        }),
        inHostStage(),
      ]),
];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !['build', 'typecheck', 'unit', 'integration', 'bench', 'provision', 'e2e', 'in-host'].includes(w));
if (unknown.length > 0) {
  process.stderr.write(`[test-all] unknown stage(s): ${unknown.join(', ')}\n`);
  process.exit(2);
}
const stages = wanted.length > 0 ? allStages.filter((s) => wanted.includes(s.name)) : allStages;
if (skipE2e) process.stdout.write('[test-all] RC_SKIP_E2E=1: provisioning, e2e and in-host stages skipped\n');

mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
let passed = 0;
let failed = 0;
const lines = [];
const started = Date.now();
for (const stage of stages) {
  process.stdout.write(`\n[test-all] ── ${stage.name} ──\n`);
  const stageStarted = Date.now();
  const result = await stage.run();
  const code = result.code ?? 0;
  // A stage that exits non-zero without a failed test (crash, type error, timeout) still fails the run.
  const stageFailed = result.failed + (code !== 0 && result.failed === 0 ? 1 : 0);
  passed += result.passed;
  failed += stageFailed;
  const seconds = ((Date.now() - stageStarted) / 1000).toFixed(1);
  const verdict = code === 0 && stageFailed === 0 ? 'ok' : `FAILED (exit ${code})`;
  const counts = result.passed || result.failed ? `, ${result.passed} passed, ${result.failed} failed` : '';
  lines.push(`  ${stage.name.padEnd(12)} ${verdict}${counts}${result.note ? ` (${result.note})` : ''} in ${seconds} s`);
  for (const failure of result.failures ?? []) {
    lines.push(`    ✖ ${failure.file} › ${failure.name}${failure.error ? ` — ${failure.error}` : ''}`);
  }
}
process.stdout.write(`\n[test-all] summary (${relative(process.cwd(), repoRoot) || '.'}, ${((Date.now() - started) / 1000).toFixed(0)} s):\n${lines.join('\n')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 ? 1 : 0);
