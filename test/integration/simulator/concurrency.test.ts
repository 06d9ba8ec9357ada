// Many concurrent streams on loopback all complete, and stats count each once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';

const CONCURRENT = 500;

describe('concurrency', { timeout: 60_000 }, () => {
  let sim: RunningSimulator;

  before(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
  });
  after(() => sim.close());

  it(`${CONCURRENT} concurrent streaming requests all succeed and are counted exactly once`, async () => {
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0, timeout: 30_000 });
    const texts = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) =>
        client.messages
          .stream({
            model: ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'][i % 3]!,
            max_tokens: 64,
            messages: [{ role: 'user', content: `question ${i % 7}` }],
          })
          .finalText(),
      ),
    );
    texts.forEach((text, i) => assert.equal(text, canonicalAnswer(`question ${i % 7}`)));
    const stats = sim.stats();
    assert.equal(stats.total, CONCURRENT);
    assert.equal(stats.requests.length, CONCURRENT);
    const ok = Object.values(stats.byModel).reduce((sum, m) => sum + (m.outcomes['ok'] ?? 0), 0);
    assert.equal(ok, CONCURRENT);
    assert.equal(new Set(stats.requests.map((r) => r.requestId)).size, CONCURRENT, 'request ids are unique');
  });

  it('capacity turns requests beyond the concurrent limit into 529s', async () => {
    sim.setScenario({ models: { 'claude-opus-5-5': { capacity: 2, latencyMs: 200 } } });
    const body = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const statuses = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        }),
      ),
    );
    assert.equal(statuses.filter((s) => s === 200).length, 2);
    assert.equal(statuses.filter((s) => s === 529).length, 3);
  });

  it('a request rate limit answers 429 with retry-after once the rate is passed', async () => {
    sim.setScenario({ models: { 'claude-opus-5-5': { rateLimit: { requestsPerMinute: 3 } } } });
    const body = JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const responses: Response[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${sim.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await r.arrayBuffer();
      responses.push(r);
    }
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 429, 429]);
    assert.equal(responses[2]!.headers.get('anthropic-ratelimit-requests-remaining'), '0');
    const retryAfter = Number(responses[3]!.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
  });
});
