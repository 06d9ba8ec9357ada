// `npm run demo -- --check`: the README's first command starts VS Code with the extension in an
// overload rehearsal, without an API key, and the status bar says so.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './harness';

const execFileAsync = promisify(execFile);

test('the demo starts VS Code with the extension rehearsing a primary outage', { timeout: 300_000 }, async () => {
  const env = { ...process.env };
  delete env.ANTHROPIC_API_KEY;
  const { stdout } = await execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'demo.mjs'), '--check'], {
    cwd: repoRoot,
    env,
    timeout: 280_000,
    maxBuffer: 20_000_000,
  });
  assert.match(stdout, /\[demo\] installed resilient-claude\.resilient-claude@\S+; \/healthz ok; rehearsal scenario "primary-outage"/);
  assert.match(stdout, /\[demo\] status bar: .*Rehearsal/);
  assert.match(stdout, /\[demo\] check passed/);
});
