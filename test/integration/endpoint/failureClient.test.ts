// Whose failures are they? A client's request through the endpoint, over real HTTP to the simulator,
// fails on 529s; the failure log, the escalation report and the history file name the client from
// its user-agent ("Claude Code 2.1.3", "curl 8.5.0"), never its key.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistory } from '../../../src/core/history/createHistory';
import { createMemoryHistoryStorage } from '../../../src/core/history/memoryHistoryStorage';
import type { FailureRecord } from '../../../src/core/history/historyTypes';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { startSimulator } from '../../../src/simulator/index';
import type { Scenario } from '../../../src/simulator/index';
import { ASK, OPUS, SONNET, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

interface Asked {
  readonly status: number;
  readonly failures: FailureRecord[];
  readonly report: string;
  readonly saved: string;
}

/** One request with this user-agent, through a fresh endpoint (own key) to a fresh simulator. */
async function askAs(userAgent: string, s: Scenario, stream: boolean): Promise<Asked> {
  await import('@anthropic-ai/sdk');
  const sim = await startSimulator({ scenario: s, apiKey: TEST_KEY });
  const storage = createMemoryHistoryStorage();
  const history = createHistory({ storage, persistDelayMs: 0 });
  await history.load();
  const endpoint = await ownKeyEndpoint(sim.url, { onEvent: (event) => history.record(event) });
  try {
    const response = await fetch(`${endpoint.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'user-agent': userAgent },
      body: JSON.stringify({ model: OPUS, ...ASK, stream }),
    });
    await response.text();
    await history.flush();
    const now = Date.now();
    const report = buildEscalationReport({ history, windowMs: 15 * 60_000, now, versions: { extension: 'test', sdk: 'test' }, knownSecrets: [TEST_KEY] });
    const saved = (await storage.read()) ?? '';
    return { status: response.status, failures: history.failures(), report, saved };
  } finally {
    await endpoint.close();
    await history.dispose();
    await sim.close();
  }
}

describe('the failures of endpoint traffic name the client', { timeout: 120_000 }, () => {
  test('Claude Code, every model down: each failed attempt says "Claude Code 2.1.3", in the log, the report and the saved file', async () => {
    const asked = await askAs('claude-cli/2.1.3 (external, cli)', scenario({}, { p529: 1 }), false);
    assert.equal(asked.status, 529, 'the request failed with the upstream status');
    assert.ok(asked.failures.length >= 1, 'its failed attempts are in the log');
    assert.deepEqual(new Set(asked.failures.map((f) => f.client)), new Set(['Claude Code 2.1.3']));
    assert.ok(asked.failures.every((f) => f.status === 529 && f.clientRequestId.startsWith('ep_claude-code_')));
    assert.match(asked.report, /\| Time \| Client \| Model \|/);
    assert.match(asked.report, /\| Claude Code 2\.1\.3 \| `claude-/);
    assert.match(asked.saved, /"client":"Claude Code 2\.1\.3"/);
    for (const text of [asked.report, asked.saved, JSON.stringify(asked.failures)]) assert.ok(!text.includes(TEST_KEY), 'never the key');
  });

  test('curl, streaming, the primary down: the primary\'s 529s say "curl 8.5.0" and the fallback answers', async () => {
    const asked = await askAs('curl/8.5.0', scenario({ [OPUS]: { p529: 1 } }), true);
    assert.equal(asked.status, 200);
    const opus = asked.failures.filter((f) => f.model === OPUS);
    assert.ok(opus.length >= 1, 'the primary failed first');
    assert.ok(asked.failures.every((f) => f.client === 'curl 8.5.0'), JSON.stringify(asked.failures));
    assert.ok(!asked.failures.some((f) => f.model === SONNET), 'the fallback answered');
    assert.match(asked.report, /\| curl 8\.5\.0 \|/);
  });
});
