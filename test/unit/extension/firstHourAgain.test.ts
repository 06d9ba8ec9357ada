// Issue 23's smaller fixes, the pure pieces: the selection answer says where the selection came
// from, Switch Model keeps the old primary in the chain, the walkthrough's steps carry no raw
// backticks, and the READMEs send the user to the walkthrough where code-server has it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { selectionPlace } from '../../../src/extension/answerTitle';
import { fallbacksAfterSwitch } from '../../../src/extension/switchedChain';
import { modelChain } from '../../../src/extension/settings';
import type { ExtensionSettings } from '../../../src/extension/settings';

test('the selection answer names its file and lines (1-based; a selection ending at a line start ends on the line before)', () => {
  const at = (startLine: number, endLine: number, endCharacter: number) => ({ start: { line: startLine }, end: { line: endLine, character: endCharacter } });
  assert.equal(selectionPlace('src/a.ts', at(2, 8, 5)), 'About `src/a.ts`, lines 3–9');
  assert.equal(selectionPlace('src/a.ts', at(2, 9, 0)), 'About `src/a.ts`, lines 3–9');
  assert.equal(selectionPlace('notes.md', at(0, 0, 12)), 'About `notes.md`, line 1');
});

test('Switch Model keeps the old primary as the last fallback instead of dropping it from the chain', () => {
  const defaults = ['claude-sonnet-5-5', 'claude-haiku-5-5'];
  const kept = fallbacksAfterSwitch('claude-opus-5-5', defaults, 'claude-haiku-5-5');
  assert.deepEqual(kept, ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5-5']);
  const chain = modelChain({ model: 'claude-haiku-5-5', fallbackModels: kept! } as unknown as ExtensionSettings);
  assert.deepEqual(chain, ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
  // Back to opus: the chain is the one the user started with, haiku included.
  assert.equal(fallbacksAfterSwitch('claude-haiku-5-5', kept!, 'claude-opus-5-5'), null, 'haiku is already a fallback');
  assert.deepEqual(modelChain({ model: 'claude-opus-5-5', fallbackModels: kept! } as unknown as ExtensionSettings), ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.equal(fallbacksAfterSwitch('claude-opus-5-5', defaults, 'claude-opus-5-5'), null, 'the same model changes nothing');
});

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
