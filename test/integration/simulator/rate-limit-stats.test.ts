// The simulator's stats tell a 429 over the request-rate limit from a scenario's stray 429, so a
// benchmark can report the 429s a client caused (herding) apart from the noise no client avoids.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const MODEL = 'claude-haiku-5-5';

async function ask(sim: RunningSimulator, i: number): Promise<number> {
  const response = await fetch(`${sim.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: `question ${i}` }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('rate-limit 429s in the stats', { timeout: 30_000 }, () => {
  let sim: RunningSimulator;

  before(async () => {
    sim = await startSimulator({
      scenario: { name: 'limits', seed: 3, defaults: { latencyMs: 0, ttftMs: 0, outputTokens: 4, rateLimit: { requestsPerMinute: 10 }, p429: 0.3 } },
    });
  });
  after(() => sim.close());

  it('counts the 429s over the limit apart from the stray ones', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push(await ask(sim, i));
    const stats = sim.stats();
    const records = stats.requests.filter((r) => r.model === MODEL);
    const over = records.filter((r) => r.overLimit === true);
    const stray = records.filter((r) => r.outcome === '429' && r.overLimit !== true);
    // 10 requests a minute are admitted (a stray 429 among them still counts against the limit); the 15 after are over it.
    assert.equal(over.length, 15);
    assert.ok(over.every((r) => r.outcome === '429' && r.status === 429));
    assert.ok(stray.length > 0 && stray.length < 10, `some of the 10 admitted got a stray 429 (${stray.length})`);
    assert.equal(stats.byModel[MODEL]?.limit429, 15);
    assert.equal(stats.byModel[MODEL]?.outcomes['429'], over.length + stray.length);
    assert.equal(statuses.filter((s) => s === 429).length, over.length + stray.length);
  });
});
