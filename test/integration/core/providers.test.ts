// Provider failover: when a model is overloaded on the Anthropic API, the same
// model is tried on Vertex (the simulator's rawPredict endpoints) before
// falling back to a smaller model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestManager } from '../../../src/core/requestManager';
import { validateManagerConfig } from '../../../src/core/defaults';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, TEST_KEY, scenario, testConfig } from './harness';

test('an overloaded Anthropic route fails over to the same model on Vertex', { timeout: 20_000 }, async () => {
  const anthropic = await startSimulator({ scenario: scenario({}, { p529: 1 }), apiKey: TEST_KEY });
  const vertex = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const manager = createRequestManager({
    ...testConfig(anthropic.url),
    providers: [
      { id: 'anthropic', baseURL: anthropic.url, apiKey: () => TEST_KEY },
      { id: 'vertex', baseURL: `${vertex.url}/v1`, projectId: 'demo-project', region: 'us-east5', apiKey: () => TEST_KEY },
    ],
  });
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok);
    assert.equal(outcome.provider, 'vertex');
    assert.equal(outcome.model, OPUS);
    assert.equal(outcome.text, canonicalAnswer(ASK.messages[0]!.content));
    assert.equal(anthropic.stats().total, 3);
    const [call] = vertex.stats().requests;
    assert.equal(vertex.stats().total, 1);
    assert.equal(call?.path, `/v1/projects/demo-project/locations/us-east5/publishers/anthropic/models/${OPUS}:streamRawPredict`);
    assert.equal(call?.apiKeyOk, true);
  } finally {
    manager.dispose();
    await anthropic.close();
    await vertex.close();
  }
});

test('Bedrock is accepted with a region (failover to it: bedrockFailover.test.ts)', { timeout: 5_000 }, () => {
  const { config, problems } = validateManagerConfig({ providers: [{ id: 'bedrock', region: 'us-east-1' }] });
  assert.deepEqual(config.providers.map((p) => p.id), ['bedrock']);
  assert.deepEqual(problems, []);
});
