// `npm run demo` with CI set (as .ci/run runs it): the README's first command, through npm as
// written, starts VS Code with the extension in an overload rehearsal, without an API key, answers
// one question and exits.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './harness';

const execFileAsync = promisify(execFile);

test('the demo starts VS Code with the extension rehearsing a primary outage', { timeout: 300_000 }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.ANTHROPIC_API_KEY;
  const { stdout } = await execFileAsync('npm', ['run', 'demo'], {
    cwd: repoRoot,
    env,
    timeout: 280_000,
    maxBuffer: 20_000_000,
  });
  assert.match(stdout, /\[demo\] checking: .* then exit \(CI is set\)/);
  assert.match(stdout, /\[demo\] installed resilient-claude\.resilient-claude@\S+; \/healthz ok; rehearsal scenario "primary-outage"/);
  assert.match(stdout, /\[demo\] status bar: .*Rehearsal/);
  // The workspace README is open, the toast offers the next steps, and the outage waits for the first question.
  assert.match(stdout, /\[demo\] editor: .*README\.md/);
  assert.match(stdout, /\[demo\] rehearsal toast: .*\[Ask Claude… \| Show Diagnostics \| Stop Rehearsal\]/);
  assert.match(stdout, /\[demo\] after \d+ s of reading, the first answer: Answered by claude-sonnet-5-5 \(fell back from claude-opus-5-5\)/);
  // Chat is on: "Open Chat with @claude" (the walkthrough's chat step) opens the Chat view with @claude typed.
  assert.match(stdout, /\[demo\] chat input: @claude/);
  assert.match(stdout, /\[demo\] forwarded ports listed: 0/);
  assert.match(stdout, /\[demo\] check passed/);
});
