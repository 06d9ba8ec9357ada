// The status bar's line for the local endpoint: offered while off, its traffic per client while
// on (what the endpoint counted from real user-agents), and nothing a client sends can add a link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientLabel, clientName } from '../../../src/broker/endpoint/clientLabel';
import { EndpointTraffic } from '../../../src/extension/endpoint/endpointTraffic';
import { TOOLTIP_COMMANDS, endpointLine, presentStatus } from '../../../src/extension/statusPresentation';
import { formatMessage } from '../../../src/extension/translate';

/** The text as the hover shows it (Markdown escapes removed). */
function shown(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

function links(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(command:([\w.]+)\)/g)].map((m) => m[1] ?? '');
}

test('off: the tooltip offers to protect Claude Code in terminals, with an allowed command', { timeout: 5000 }, () => {
  const line = endpointLine(null, formatMessage);
  assert.match(line, /Claude Code in terminals/);
  assert.deepEqual(links(line), ['resilientClaude.useEndpointInTerminals']);
  const tooltip = presentStatus({ routes: [], primaryModel: 'claude-opus-5-5', lastServedModel: null, rehearsal: null, needsKey: false, setAside: [], now: 0 }, formatMessage).tooltip;
  assert.ok(tooltip.includes(line));
  for (const command of links(tooltip)) assert.ok((TOOLTIP_COMMANDS as readonly string[]).includes(command), command);
});

test('on: requests counted per client from their user-agents, failures apart, versions added up', { timeout: 5000 }, () => {
  const traffic = new EndpointTraffic();
  for (const [ua, status] of [
    ['claude-cli/2.1.3 (external, cli)', 200],
    ['claude-cli/2.1.4 (external, cli)', 529],
    ['claude-cli/2.1.4 (external, cli)', 200],
    ['curl/8.5.0', 401],
    ['Anthropic/JS 0.70.0', 200],
  ] as const) {
    traffic.add({ client: clientLabel(ua), status });
  }
  assert.deepEqual(traffic.clients(), [
    { client: 'Claude Code', requests: 3, failed: 1 },
    { client: 'Anthropic TypeScript SDK', requests: 1, failed: 0 },
    { client: 'curl', requests: 1, failed: 1 },
  ]);
  const line = endpointLine({ url: 'http://127.0.0.1:8787', terminals: true, clients: traffic.clients() }, formatMessage);
  assert.match(shown(line), /Local endpoint http:\/\/127\.0\.0\.1:8787 \(terminals\): Claude Code 3 \(1 failed\) · Anthropic TypeScript SDK 1 · curl 1 \(1 failed\)/);
  assert.deepEqual(links(line), ['resilientClaude.copyEndpointShellLines']);
  assert.match(endpointLine({ url: 'http://127.0.0.1:8787', terminals: false, clients: [] }, formatMessage), /no requests yet/);
  assert.match(endpointLine({ url: null, terminals: true, clients: [] }, formatMessage), /not running/);
});

test('a hostile user-agent cannot add a link or markup to the tooltip', { timeout: 5000 }, () => {
  const traffic = new EndpointTraffic();
  traffic.add({ client: clientLabel('x](command:workbench.action.terminal.new) [y'), status: 200 });
  const line = endpointLine({ url: 'http://127.0.0.1:1', terminals: true, clients: traffic.clients() }, formatMessage);
  assert.deepEqual(links(line), ['resilientClaude.copyEndpointShellLines']);
  assert.equal(clientName('Claude Code 2.1.3'), 'Claude Code');
  assert.equal(clientName('my-script'), 'my-script');
});
