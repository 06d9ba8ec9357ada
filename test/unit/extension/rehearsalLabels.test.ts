// Issue 23, item 6: the rehearsal's labels follow the running scenario and the model that is really
// primary, and nothing a rehearsal shows links off the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory } from '../../../src/core/history/createHistory';
import { createMemoryHistoryStorage } from '../../../src/core/history/memoryHistoryStorage';
import { castScenario } from '../../../src/extension/rehearsalRoles';
import { SHIPPED_SCENARIO_NAMES, loadScenario } from '../../../src/simulator/index';
import { incidentPage, statusSummary } from '../../../src/simulator/status-page';
import { statusDescription } from '../../../src/webview/banners';

test('every shipped scenario describes the models by role, cast onto the chain, never by a fixed name', { timeout: 5000 }, () => {
  for (const name of SHIPPED_SCENARIO_NAMES) {
    const cast = castScenario(loadScenario(name), ['claude-sonnet-5-5', 'claude-haiku-5-5']);
    assert.doesNotMatch(cast.description ?? '', /\bOpus\b|claude-opus-5-5|Sonnet and Haiku/, name);
  }
  const outage = castScenario(loadScenario('primary-outage'), ['claude-sonnet-5-5', 'claude-haiku-5-5']);
  assert.match(outage.description ?? '', /^Your primary model \(claude-sonnet-5-5\) answers every request with 529/);
  // The status page's incident names the model that is down.
  assert.equal(outage.phases?.[0]?.statusPage?.incidents?.[0]?.name, 'Elevated errors on claude-sonnet-5-5');
  // After the outage the page does not say "All Systems Operational" while the incident is still monitored.
  assert.notEqual(outage.phases?.[1]?.statusPage?.indicator, 'none');
});

test('a switched rehearsal relabels its history, so the banner and report name the scenario now playing', { timeout: 5000 }, async () => {
  const history = createHistory({ storage: createMemoryHistoryStorage(), simulated: 'overload rehearsal "primary-outage"' });
  history.relabel('overload rehearsal "flaky-network", after "primary-outage"');
  assert.equal(history.simulated, 'overload rehearsal "flaky-network", after "primary-outage"');
  // Real traffic is never labelled simulated.
  const real = createHistory({ storage: createMemoryHistoryStorage() });
  real.relabel('overload rehearsal "x"');
  assert.equal(real.simulated, undefined);
  await history.dispose();
  await real.dispose();
});

test('the status line names an open incident instead of "All Systems Operational"', { timeout: 5000 }, () => {
  const incident = { name: 'Elevated errors on claude-opus-5-5', status: 'monitoring', impact: 'major', url: null, updatedAt: null };
  assert.equal(
    statusDescription({ indicator: 'none', description: 'All Systems Operational', incidents: [incident], fetchedAt: 0, error: null }),
    'an incident is open: “Elevated errors on claude-opus-5-5” (monitoring)',
  );
  assert.equal(statusDescription({ indicator: 'none', description: 'All Systems Operational', incidents: [], fetchedAt: 0, error: null }), 'All Systems Operational');
});

test("the simulated status page links only to the simulator's own address, and its incident page says it is simulated", { timeout: 5000 }, () => {
  const spec = loadScenario('primary-outage').phases?.[0]?.statusPage;
  const summary = JSON.stringify(statusSummary(spec, 0, 1000, 'http://127.0.0.1:4567'));
  const links = [...summary.matchAll(/https?:\/\/[^"\s]+/g)].map((m) => m[0]);
  assert.ok(links.length >= 2, summary);
  for (const link of links) assert.match(link, /^http:\/\/127\.0\.0\.1:4567\//);
  const page = incidentPage({ indicator: 'major', incidents: [{ name: 'Errors <b>on</b> x', status: 'investigating' }] }, 'siminc1') ?? '';
  assert.match(page, /Simulated by the overload rehearsal/);
  assert.match(page, /Errors &#60;b&#62;on&#60;\/b&#62; x/);
  assert.equal(incidentPage(spec, 'siminc9'), null);
  assert.equal(incidentPage(spec, '../etc'), null);
});
