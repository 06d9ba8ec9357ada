import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BreakerState } from '../../../src/core/types';
import { TOOLTIP_COMMANDS, escapeMarkdown, formatPercent, presentStatus, compactModelId } from '../../../src/extension/statusPresentation';
import type { RouteHealth, StatusState } from '../../../src/extension/statusPresentation';
import { formatMessage } from '../../../src/extension/translate';

const NOW = 1_800_000_000_000;
const CHAIN = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'];

function state(breakers: BreakerState[], extra: Partial<StatusState> = {}, routeExtra: Partial<RouteHealth>[] = []): StatusState {
  return {
    routes: CHAIN.map((model, i) => ({
      provider: 'anthropic',
      model,
      state: breakers[i] ?? 'closed',
      nextProbeAt: breakers[i] === 'open' ? NOW + 12_400 : null,
      overloadRate: null,
      attempts: 0,
      ...routeExtra[i],
    })),
    primaryModel: CHAIN[0] ?? '',
    lastServedModel: null,
    rehearsal: null,
    needsKey: false,
    setAside: [],
    now: NOW,
    ...extra,
  };
}

test('all breakers closed: healthy, the primary model shown with a pass icon, no background', { timeout: 5000 }, () => {
  const p = presentStatus(state(['closed', 'closed', 'closed'], { lastServedModel: 'claude-opus-5-5' }), formatMessage);
  assert.equal(p.health, 'healthy');
  assert.equal(p.text, '$(pass) opus-5-5');
  assert.equal(p.background, null);
  assert.match(p.accessibilityLabel, /healthy, using claude-opus-5-5/);
});

test('primary open: degraded, shows the fallback serving requests and when the primary is probed', { timeout: 5000 }, () => {
  const p = presentStatus(
    state(['open', 'closed', 'closed'], {}, [{ overloadRate: 1, attempts: 8 }, { overloadRate: 0, attempts: 3 }]),
    formatMessage,
  );
  assert.equal(p.health, 'degraded');
  assert.equal(p.text, '$(warning) sonnet-5-5');
  assert.equal(p.background, 'warning');
  assert.match(p.accessibilityLabel, /serving from fallback claude-sonnet-5-5/);
  // Each cell ends with a gap (hover tables have no padding): read without it.
  const rows = p.tooltip.replaceAll('&nbsp;', '');
  assert.match(rows, /claude\\-opus\\-5\\-5 \\\(primary\\\) \| \$\(error\) open \| 100% of 8 \| in 13 s \|/);
  assert.match(rows, /claude\\-sonnet\\-5\\-5 \| \$\(pass\) closed \| 0% of 3 \| — \|/);
  assert.match(p.tooltip, /\| Model&nbsp;&nbsp;&nbsp; \| Breaker&nbsp;&nbsp;&nbsp; \|/);
});

test('the last answer came from a fallback: degraded even while the primary breaker is still closed', { timeout: 5000 }, () => {
  const p = presentStatus(state(['closed', 'closed', 'closed'], { lastServedModel: 'claude-sonnet-5-5' }), formatMessage);
  assert.equal(p.health, 'degraded');
  assert.equal(p.text, '$(warning) sonnet-5-5');
});

test('a half-open primary is degraded until its probe succeeds', { timeout: 5000 }, () => {
  const p = presentStatus(state(['half_open', 'closed', 'closed']), formatMessage);
  assert.equal(p.health, 'degraded');
  assert.match(p.accessibilityLabel, /claude-opus-5-5 is being probed/);
  assert.match(p.tooltip, /\$\(warning\) half\\-open/);
});

test('a half-open fallback behind a working primary does not degrade; the tooltip says it is probed by its next request', { timeout: 5000 }, () => {
  // Switch to haiku, one request in a primary outage opens its breaker, switch back to opus.
  const p = presentStatus(
    state(['closed', 'closed', 'half_open'], { lastServedModel: 'claude-opus-5-5' }, [{}, {}, { nextProbeAt: NOW - 5_000, closesAt: NOW + 55_000 }]),
    formatMessage,
  );
  assert.equal(p.health, 'healthy');
  assert.equal(p.background, null);
  assert.match(p.accessibilityLabel, /healthy, using claude-opus-5-5/);
  const rows = p.tooltip.replaceAll('&nbsp;', '');
  const haiku = rows.split('\n').find((r) => r.includes('haiku')) ?? '';
  assert.ok(haiku.includes('$(warning) half\\-open') && /on its next request \\\(else closes at \d\d:\d\d\\\)/.test(haiku), haiku);
});

test('the route said to be probed is the half-open one new requests start on', { timeout: 5000 }, () => {
  const p = presentStatus(state(['half_open', 'closed', 'closed'], {}, [{ nextProbeAt: NOW - 1 }]), formatMessage);
  assert.match(p.accessibilityLabel, /degraded, claude-opus-5-5 is being probed/);
  const held = presentStatus(
    state(['closed', 'half_open', 'closed'], {}, [{ heldUntil: NOW + 30_000 }]),
    formatMessage,
  );
  // The primary is held by a rate limit, so the next request probes sonnet.
  assert.equal(held.health, 'degraded');
  assert.match(held.accessibilityLabel, /sonnet/);
  assert.doesNotMatch(held.accessibilityLabel, /opus-5-5 is being probed/);
});

test('every route open: down, error background', { timeout: 5000 }, () => {
  const p = presentStatus(state(['open', 'open', 'open']), formatMessage);
  assert.equal(p.health, 'down');
  assert.equal(p.text, '$(error) Claude unavailable');
  assert.equal(p.background, 'error');
  assert.match(p.accessibilityLabel, /down/);
});

test('a rehearsal is said plainly in the text, the label and the tooltip', { timeout: 5000 }, () => {
  const p = presentStatus(state(['closed'], { rehearsal: 'primary-outage' }), formatMessage);
  assert.ok(p.text.startsWith('$(beaker) Rehearsal · '));
  assert.match(p.accessibilityLabel, /Overload rehearsal primary-outage/);
  assert.match(p.tooltip, /\$\(beaker\) Rehearsal: primary\\-outage/);
});

test('the tooltip links only to the allowed commands, and model ids cannot inject markup', { timeout: 5000 }, () => {
  const hostile = 'x](command:workbench.action.terminal.new)';
  const s = state(['closed']);
  const p = presentStatus({ ...s, routes: [{ ...s.routes[0]!, model: hostile }], primaryModel: hostile }, formatMessage);
  const links = [...p.tooltip.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(links.sort(), ['resilientClaude.resetBreakers', 'resilientClaude.showDiagnostics', 'resilientClaude.switchModel', 'resilientClaude.useEndpointInTerminals']);
  assert.ok(links.every((l) => (TOOLTIP_COMMANDS as readonly string[]).includes(l ?? '')));
  assert.ok(p.tooltip.includes(escapeMarkdown(hostile)));
});

test('short names drop the claude- prefix only', { timeout: 5000 }, () => {
  assert.equal(compactModelId('claude-haiku-5-5'), 'haiku-5-5');
  assert.equal(compactModelId('anthropic.claude-opus'), 'anthropic.claude-opus');
});

test('without an API key the tooltip offers to set one and the label says so', { timeout: 5000 }, () => {
  const p = presentStatus(state(['closed'], { needsKey: true }), formatMessage);
  assert.match(p.tooltip, /\$\(key\) No API key set\. \[Set API Key\]\(command:resilientClaude\.setApiKey\)/);
  assert.match(p.accessibilityLabel, /No API key set$/);
  assert.doesNotMatch(presentStatus(state(['closed']), formatMessage).tooltip, /No API key/);
});

test('percentages read naturally: whole numbers plain, small rates to a tenth', { timeout: 5000 }, () => {
  assert.equal(formatPercent(0.05), '5%');
  assert.equal(formatPercent(0.8), '80%');
  assert.equal(formatPercent(0.0125), '1.3%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(1), '100%');
});

test('a model set aside by "Use Fallback Now" is named in the tooltip with how to undo it', { timeout: 5000 }, () => {
  const p = presentStatus(state(['closed'], { setAside: ['claude-opus-5-5'] }), formatMessage);
  assert.match(p.tooltip, /\$\(arrow-down\) claude\\-opus\\-5\\-5 is tried last \\\(Use Fallback Now\\\); reset breakers to undo\./);
});

test('with two providers the tooltip lists each route by provider, and serving from Bedrock reads as degraded', { timeout: 5000 }, () => {
  const routes: RouteHealth[] = CHAIN.flatMap((model) =>
    (['anthropic', 'bedrock'] as const).map((provider) => ({
      provider,
      model,
      state: model === CHAIN[0] && provider === 'anthropic' ? ('open' as const) : ('closed' as const),
      nextProbeAt: model === CHAIN[0] && provider === 'anthropic' ? NOW + 5_000 : null,
      overloadRate: null,
      attempts: 0,
    })),
  );
  const p = presentStatus({ ...state([]), routes, lastServedModel: CHAIN[0] ?? '', lastServedProvider: 'bedrock' }, formatMessage);
  assert.equal(p.health, 'degraded');
  assert.equal(p.text, '$(warning) opus-5-5 (Bedrock)');
  assert.match(p.accessibilityLabel, /serving claude-opus-5-5 from fallback provider Bedrock/);
  const table = p.tooltip.replaceAll('&nbsp;', '');
  assert.match(table, /\| Provider \| Model \| Breaker \|/);
  assert.ok(table.includes('| Anthropic | claude\\-opus\\-5\\-5 \\(primary\\) | $(error) open |'), p.tooltip);
  assert.ok(table.includes('| Bedrock | claude\\-opus\\-5\\-5 \\(primary\\) | $(pass) closed |'), p.tooltip);

  const single = presentStatus(state(['closed', 'closed', 'closed']), formatMessage);
  assert.doesNotMatch(single.tooltip, /Provider/, 'one provider: no provider column');
});

test('a route held by a rate limit shows "rate-limited until" in the tooltip, and requests start on the next model', { timeout: 5000 }, () => {
  const held = NOW + 5 * 60_000;
  const p = presentStatus(state(['closed', 'closed', 'closed'], {}, [{ heldUntil: held }]), formatMessage);
  const d = new Date(held);
  const clock = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  assert.ok(p.tooltip.includes(`rate\\-limited until ${clock}`), p.tooltip);
  assert.equal(p.health, 'degraded');
  assert.match(p.text, /sonnet-5-5/);
  const expired = presentStatus(state(['closed', 'closed', 'closed'], {}, [{ heldUntil: NOW - 1 }]), formatMessage);
  assert.ok(!expired.tooltip.includes('rate\\-limited'));
  assert.equal(expired.health, 'healthy');
});

test('the tooltip says how many windows share the broker, or why this window runs its own manager', { timeout: 5000 }, () => {
  const shared = presentStatus(state(['closed'], { sharing: { mode: 'shared', brokerPid: 7, clients: { windows: 3, clis: 1 } } }), formatMessage);
  assert.match(shared.tooltip, /\$\(broadcast\) Shared by 3 windows and 1 script/);
  const alone = presentStatus(state(['closed'], { sharing: { mode: 'shared', brokerPid: 7, clients: { windows: 1, clis: 0 } } }), formatMessage);
  assert.match(alone.tooltip, /Shared by 1 window\n/);
  const local = presentStatus(state(['closed'], { sharing: { mode: 'local', reason: 'the shared broker stopped' } }), formatMessage);
  assert.match(local.tooltip, /\$\(debug-disconnect\) This window's own request manager: the shared broker stopped\./);
  assert.doesNotMatch(presentStatus(state(['closed'], { sharing: null }), formatMessage).tooltip, /Shared by|own request manager/);
});
