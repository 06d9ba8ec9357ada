// Issue 23, item 7: unknown model ids are named with the setting each is set in, and the status bar
// never shows an unknown primary as healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presentStatus } from '../../../src/extension/statusPresentation';
import { formatMessage } from '../../../src/extension/translate';
import { modelSettings, unknownModelSettings, unknownModelsNotice } from '../../../src/extension/unknownModels';

test('unknown model ids are named with the setting each is set in', { timeout: 5000 }, () => {
  const named = modelSettings({ model: 'claude-opus-99', fallbackModels: ['claude-sonnet-5-5', 'gpt-4o'] }, 'claude-haiku-9');
  const unknown = unknownModelSettings(named, new Set(['claude-opus-99', 'gpt-4o', 'claude-haiku-9']));
  assert.deepEqual(
    unknown.map((u) => `${u.setting}=${u.model}`),
    ['resilientClaude.model=claude-opus-99', 'resilientClaude.fallbackModels=gpt-4o', 'resilientClaude.batch.model=claude-haiku-9'],
  );
  assert.deepEqual(unknownModelSettings(named, new Set()), []);
  assert.match(unknownModelsNotice(unknown.slice(0, 1), 'api', formatMessage), /"claude-opus-99" \(resilientClaude\.model\) is not a model the Models API lists/);
  assert.match(unknownModelsNotice(unknown, 'rehearsal', formatMessage), /are not models the rehearsal's simulator lists/);
});

test('the status bar never shows an unknown primary as healthy', { timeout: 5000 }, () => {
  const state = {
    routes: [{ provider: 'anthropic' as const, model: 'claude-opus-99', state: 'closed' as const, nextProbeAt: null, overloadRate: null, attempts: 0 }],
    primaryModel: 'claude-opus-99',
    lastServedModel: null,
    rehearsal: null,
    needsKey: false,
    setAside: [],
    now: 0,
  };
  const shown = presentStatus({ ...state, unknownModels: ['claude-opus-99'] }, formatMessage);
  assert.equal(shown.text, '$(warning) opus-99 (unknown model)');
  assert.equal(shown.background, 'warning');
  assert.match(shown.accessibilityLabel, /Unknown model: claude-opus-99/);
  assert.match(shown.tooltip, /claude\\-opus\\-99 is not a model the Models API lists/);
  // The same model, known: healthy as before.
  assert.doesNotMatch(presentStatus(state, formatMessage).text, /warning|unknown/);
});
