// A node:test reporter that writes every test's result, the moment it arrives, as one JSON line
// appended synchronously to the file named by RC_TEST_RESULTS; readTestResults counts them.
// Counts taken this way survive --test-force-exit: that flag ends the runner as soon as the run
// is over, before a reporter's buffered output (TAP's closing "# pass N" / "# fail N") has
// reached its file, so a stage counted from TAP read no counts at all.
// (node:test loads a custom reporter as its module's default export.)
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

export const RESULTS_ENV = 'RC_TEST_RESULTS';

/** The failure's own message (a test's error wraps what the test threw), first line, bounded. */
function firstLine(error) {
  const inner = error?.cause instanceof Error ? error.cause : error;
  const message = inner instanceof Error ? inner.message : String(inner ?? '');
  const line = message.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** The result line for a test:pass / test:fail event, or null when it is not a test's own result. */
export function resultOf(event) {
  if (event.type !== 'test:pass' && event.type !== 'test:fail') return null;
  const { data } = event;
  const failed = event.type === 'test:fail';
  // A suite passes when its tests do; one failing because a test in it failed adds nothing.
  // A suite failing by itself (a hook threw) is a failure of its own.
  if (data.details?.type === 'suite' && (!failed || data.details.error?.failureType === 'subtestsFailed')) return null;
  let outcome = failed ? 'failed' : 'passed';
  if (data.todo !== undefined) outcome = 'todo';
  else if (!failed && data.skip !== undefined) outcome = 'skipped';
  return {
    outcome,
    name: data.name,
    // No line: in a file tsx compiled, node:test reports the compiled line, not the source's.
    file: data.file ? relative(process.cwd(), data.file) : '',
    ...(outcome === 'failed' ? { error: firstLine(data.details?.error) } : {}),
  };
}

export default async function* testResultsReporter(source) {
  const file = process.env[RESULTS_ENV];
  if (!file) throw new Error(`the test results reporter needs ${RESULTS_ENV}: the file it appends results to`);
  for await (const event of source) {
    const result = resultOf(event);
    if (result) appendFileSync(file, `${JSON.stringify(result)}\n`);
  }
}

/** Counts of the results in `file` (none when it is missing) and the failed tests, in order. */
export function readTestResults(file) {
  const results = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line))
    : [];
  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    failures: results.filter((r) => r.outcome === 'failed'),
  };
}
