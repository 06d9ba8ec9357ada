// Unknown model ids (issue 23, item 7) over loopback HTTP through the real SDK: the Models API's
// list and per-id lookup decide, a 404 alone makes an id unknown, and a rehearsal cast onto a chain
// with unknown ids lists them nowhere and answers them 404, as the API would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Anthropic } from '@anthropic-ai/sdk';
import { castScenario } from '../../../src/extension/rehearsalRoles';
import { lookUpModels } from '../../../src/extension/modelLookup';
import type { Endpoint } from '../../../src/extension/managerConfig';
import { catalogLimits, loadScenario, startSimulator } from '../../../src/simulator/index';

const KEY = 'sk-ant-model-lookup-test-7f3a';

function endpoint(baseURL: string, key: string | null = KEY): Endpoint {
  return { baseURL, headers: {}, apiKey: () => Promise.resolve(key ?? undefined) };
}

test('an id is unknown only when the Models API answers 404 for it; listed ids and a failed lookup are not', { timeout: 30_000 }, async () => {
  const simulator = await startSimulator({ scenario: 'healthy', apiKey: KEY });
  try {
    const found = await lookUpModels(endpoint(simulator.url), ['claude-opus-5-5', 'claude-opus-99', 'claude-sonnet-5-5', 'gpt-4o', 'claude-opus-99']);
    assert.deepEqual(found, { source: 'api', unknown: ['claude-opus-99', 'gpt-4o'] });
    // Without a key, or with one the API refuses, nothing is said either way.
    assert.deepEqual(await lookUpModels(endpoint(simulator.url, null), ['gpt-4o']), { source: 'no_key' });
    assert.deepEqual(await lookUpModels(endpoint(simulator.url, 'sk-ant-wrong-key-0000'), ['gpt-4o']), { source: 'unreachable' });
  } finally {
    await simulator.close();
  }
  // Nothing listens there any more.
  assert.deepEqual(await lookUpModels(endpoint(simulator.url), ['gpt-4o']), { source: 'unreachable' });
});

test('a rehearsal cast onto a chain with unknown ids neither lists them nor answers from them', { timeout: 30_000 }, async () => {
  const chain = ['claude-opus-99', 'gpt-4o', 'claude-haiku-5-5'];
  const scenario = castScenario(loadScenario('primary-outage'), chain, (model) => catalogLimits(model) !== undefined);
  const simulator = await startSimulator({ scenario, apiKey: KEY });
  try {
    assert.deepEqual(await lookUpModels(endpoint(simulator.url), chain), { source: 'api', unknown: ['claude-opus-99', 'gpt-4o'] });
    const client = new Anthropic({ apiKey: KEY, baseURL: simulator.url, maxRetries: 0 });
    for (const model of ['claude-opus-99', 'gpt-4o']) {
      await assert.rejects(client.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }), (error: unknown) => {
        assert.ok(error instanceof Anthropic.NotFoundError, `${model}: ${String(error)}`);
        return true;
      });
    }
    const answer = await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(answer.model, 'claude-haiku-5-5');
  } finally {
    await simulator.close();
  }
});
