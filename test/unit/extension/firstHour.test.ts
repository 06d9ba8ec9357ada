// The pure pieces behind issue 14's fixes: scenario roles cast onto the user's chain, an alert's
// own window, answer titles, the key's shape, the escalation report of a rehearsal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { castScenario } from '../../../src/extension/rehearsalRoles';
import { incidentFigures } from '../../../src/extension/incidentFigures';
import { answerTitle } from '../../../src/extension/answerTitle';
import { looksLikeAnthropicKey } from '../../../src/extension/apiKeyCheck';
import { bannersFor } from '../../../src/webview/banners';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { createHistory } from '../../../src/core/history/createHistory';
import { createMemoryHistoryStorage } from '../../../src/core/history/memoryHistoryStorage';
import { loadScenario } from '../../../src/simulator/index';
import type { PanelSnapshot } from '../../../src/webview/protocol';

test('primary-outage cast onto a chain led by claude-opus-4-6 takes down claude-opus-4-6, not claude-opus-5-5', { timeout: 5000 }, () => {
  const cast = castScenario(loadScenario('primary-outage'), ['claude-opus-4-6', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.deepEqual(Object.keys(cast.phases?.[0]?.models ?? {}), ['claude-opus-4-6']);
  assert.equal(cast.phases?.[0]?.models?.['claude-opus-4-6']?.p529, 1);
  assert.match(cast.description ?? '', /^Your primary model \(claude-opus-4-6\) answers every request with 529/);
});

test('roles are cast at once, so a chain that swaps primary and fallback swaps their behaviour', { timeout: 5000 }, () => {
  const scenario = { models: { 'claude-opus-5-5': { p529: 0.3 }, 'claude-sonnet-5-5': { latencyMs: 99 }, 'claude-other': { p500: 1 } } };
  const cast = castScenario(scenario, ['claude-sonnet-5-5', 'claude-opus-5-5']);
  assert.deepEqual(cast.models, { 'claude-other': { p500: 1 }, 'claude-sonnet-5-5': { p529: 0.3 }, 'claude-opus-5-5': { latencyMs: 99 } });
  // The default chain changes nothing.
  assert.deepEqual(castScenario(loadScenario('brownout'), ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']), loadScenario('brownout'));
});

test("an alert's rate counts from the incident's first 529, not the healthy traffic before it", { timeout: 5000 }, () => {
  const figures = incidentFigures([
    { start: 30_000, attempts: 3, overloaded529: 3 },
    { start: 0, attempts: 20, overloaded529: 0 },
    { start: 20_000, attempts: 2, overloaded529: 2 },
  ]);
  assert.deepEqual(figures, { attempts: 5, overloaded529: 5, rate: 1, sinceMs: 20_000 });
  assert.equal(incidentFigures([{ start: 0, attempts: 4, overloaded529: 0 }]).sinceMs, null);
});

test('an answer is named after its question, as a safe one-line file name', { timeout: 5000 }, () => {
  assert.equal(answerTitle('Why do circuit breakers help?'), 'Why do circuit breakers help');
  assert.equal(answerTitle('a/b\\c: "d"\n<e>|f*'), 'a b c d e f');
  assert.equal(answerTitle('   '), 'Answer');
  assert.equal(answerTitle('x'.repeat(80)).length, 60);
});

test("a key's shape: sk-ant-… passes, \"hello\" does not", { timeout: 5000 }, () => {
  assert.ok(looksLikeAnthropicKey('sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'));
  assert.ok(looksLikeAnthropicKey('  sk-ant-e2e-valid-4f9c2d7e1b  '));
  assert.ok(!looksLikeAnthropicKey('hello'));
  assert.ok(!looksLikeAnthropicKey('sk-ant-'));
});

test('a rehearsal snapshot is labelled simulated, and so is each of its banners', { timeout: 5000 }, () => {
  const snapshot = {
    alert: { threshold: 0.05, windowMs: 300_000, firing: [{ model: 'claude-opus-5-5', rate: 0.23, attempts: 13 }] },
    anthropicStatus: null,
    simulated: 'overload rehearsal "brownout"',
  } as unknown as PanelSnapshot;
  const banners = bannersFor(snapshot);
  assert.equal(banners[0]?.kind, 'simulated');
  assert.match(banners[0]?.text ?? '', /simulated data \(overload rehearsal "brownout"\)/);
  assert.match(banners[1]?.text ?? '', /^Simulated: claude-opus-5-5: 23% of 13 attempts overloaded/);
  assert.ok(bannersFor({ ...snapshot, simulated: null }).every((b) => b.kind !== 'simulated' && !b.text.startsWith('Simulated')));
});

test('the report: a route never used says so (not "1970"), and a simulated one never says to send it to support', { timeout: 5000 }, async () => {
  const history = createHistory({ storage: createMemoryHistoryStorage(), simulated: 'overload rehearsal "primary-outage"' });
  await history.load();
  const report = buildEscalationReport({
    history,
    windowMs: 3_600_000,
    now: Date.UTC(2026, 10, 29, 12),
    versions: { extension: '0.1.0', sdk: '1.12.0' },
    breakers: [{ provider: 'anthropic', model: 'claude-haiku-5-5', state: 'closed', since: 0, nextProbeAt: null, heldUntil: null, consecutiveFailures: 0 }],
  });
  assert.doesNotMatch(report, /1970/);
  assert.match(report, /claude-haiku-5-5`? \| closed \| not used yet/);
  assert.doesNotMatch(report, /Send this whole report to Anthropic support/);
  assert.match(report, /Nothing: this report comes from a rehearsal/);
  await history.dispose();
});
