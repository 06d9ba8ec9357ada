// A stage of `node --test` files: the spec reporter streams to stdout for people, and every test's
// result is also written as it arrives (test-results-reporter.mjs), which is what the stage counts:
// that file is complete even when --test-force-exit ends the runner before its reporters flush.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStreaming } from './run-streaming.mjs';
import { RESULTS_ENV, readTestResults } from './test-results-reporter.mjs';

const reporter = new URL('./test-results-reporter.mjs', import.meta.url).href;

/**
 * `args` go to `node --test` before the files; `prepare(scratch)`, when given, runs first and
 * returns environment for the test files; `echo: false` keeps the runner's output to itself.
 */
export function nodeTestStage(name, files, { timeoutMs, args = [], prepare = async () => ({}), echo = true }) {
  return {
    name,
    async run() {
      if (files.length === 0) return { passed: 0, failed: 0, failures: [], note: 'no test files' };
      const scratch = mkdtempSync(join(tmpdir(), 'rc-test-all-'));
      const resultsFile = join(scratch, `${name}.results`);
      try {
        let env;
        try {
          env = await prepare(scratch);
        } catch (error) {
          process.stderr.write(`[test-all] ${name}: could not prepare: ${error instanceof Error ? error.message : String(error)}\n`);
          return { code: 1, passed: 0, failed: 1, failures: [], note: 'not prepared' };
        }
        const { code } = await runStreaming(
          process.execPath,
          [
            '--import',
            'tsx',
            '--test',
            ...args,
            '--test-reporter=spec',
            '--test-reporter-destination=stdout',
            `--test-reporter=${reporter}`,
            '--test-reporter-destination=stdout',
            ...files,
          ],
          {
            timeoutMs,
            // A runner of its own even when this runs under node --test (which marks its children).
            env: { ...env, NODE_TEST_CONTEXT: undefined, [RESULTS_ENV]: resultsFile },
            echo,
          },
        );
        const { passed, failed, skipped, failures } = readTestResults(resultsFile);
        return { code, passed, failed, failures, ...(skipped > 0 ? { note: `${skipped} skipped` } : {}) };
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}
