// Issue 23's smaller fixes, the pure pieces: the walkthrough's steps carry no raw backticks, and
// the READMEs send the user to the walkthrough where code-server has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

test('no walkthrough step shows raw backticks (step descriptions render links and bold, not code spans)', () => {
  const nls = JSON.parse(readFileSync('package.nls.json', 'utf8')) as Record<string, string>;
  const steps = Object.entries(nls).filter(([key]) => key.startsWith('walkthrough.'));
  assert.ok(steps.length >= 8);
  for (const [key, text] of steps) assert.ok(!text.includes('`'), `${key}: ${text}`);
});

test('the READMEs send the user to the walkthrough where code-server 4.139 has it (Help → Open Walkthrough…, not "Get Started")', () => {
  for (const file of ['README.md', 'docs/EXTENSION-README.md']) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, /Help → Get Started/, file);
    assert.match(text, /Help → Open Walkthrough…/, file);
  }
});
