// test-all's node --test stages count what every test reported, through a reporter that writes
// each result as it arrives: the counts and the failed tests' names survive --test-force-exit,
// which ends the runner before a reporter's buffered summary reaches its file (a TAP file's
// "# pass N" was lost and the integration stage showed no counts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { nodeTestStage as NodeTestStage } from '../../../scripts/node-test-stage.mjs' with { 'resolution-mode': 'import' };

const script = pathToFileURL(path.resolve(__dirname, '..', '..', '..', 'scripts', 'node-test-stage.mjs')).href;
const stage = async (...args: Parameters<typeof NodeTestStage>): Promise<ReturnType<typeof NodeTestStage>> =>
  ((await import(script)) as { nodeTestStage: typeof NodeTestStage }).nodeTestStage(...args);

const dir = mkdtempSync(path.join(tmpdir(), 'rc-stage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

/** Tests that pass, one skipped, a suite — and a listening server nobody closes. */
const leaky = file(
  'leaky.test.mjs',
  `import { describe, test } from 'node:test';
import { createServer } from 'node:net';
createServer().listen(0, '127.0.0.1');
test('first passes', () => {});
test('second passes', async () => { await new Promise((r) => setTimeout(r, 20)); });
test('not run here', { skip: 'elsewhere' }, () => {});
describe('a suite', () => { test('its test passes', () => {}); });
`,
);
const failing = file(
  'failing.test.mjs',
  `import { test } from 'node:test';
import assert from 'node:assert/strict';
test('this one passes', () => {});
test('the answer is checked', () => { assert.equal(41, 42, 'the answer is 42'); });
`,
);

const integrationArgs = ['--test-concurrency=1', '--test-force-exit'];

test('forced out of a file a handle keeps open, the stage still counts every test', { timeout: 120_000 }, async () => {
  const result = await (await stage('integration', [leaky], { timeoutMs: 100_000, args: integrationArgs, echo: false })).run();
  assert.equal(result.code, 0, 'the file ended (forced) and passed');
  assert.equal(result.passed, 3);
  assert.equal(result.failed, 0);
  assert.equal(result.note, '1 skipped');
  assert.deepEqual(result.failures, []);
});

test('a failed test fails the stage and is named with its file and message', { timeout: 120_000 }, async () => {
  const result = await (await stage('integration', [failing, leaky], { timeoutMs: 100_000, args: integrationArgs, echo: false })).run();
  assert.notEqual(result.code, 0, 'the runner failed');
  assert.equal(result.passed, 4);
  assert.equal(result.failed, 1);
  assert.equal(result.failures.length, 1);
  const [failure] = result.failures;
  assert.equal(failure.name, 'the answer is checked');
  assert.ok(failure.file.endsWith('failing.test.mjs'), failure.file);
  assert.match(failure.error, /the answer is 42/);
});
