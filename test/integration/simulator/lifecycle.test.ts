// close() ends everything, stalled connections included; clients that leave
// mid-stream do not disturb the server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';

const REQUEST = { model: 'claude-opus-5-5', max_tokens: 64, messages: [{ role: 'user' as const, content: 'hello' }] };

describe('simulator lifecycle', { timeout: 30_000 }, () => {
  it('close() resolves while requests are stalled, and the stalled clients see their connection end', async () => {
    const sim = await startSimulator({ scenario: { defaults: { pStall: 1 } } });
    const client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
    const stalled = [client.messages.stream(REQUEST).finalMessage(), client.messages.create(REQUEST)].map((p) =>
      p.then(
        () => 'completed',
        () => 'failed',
      ),
    );
    while (sim.stats().total < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sim.close();
    assert.deepEqual(await Promise.all(stalled), ['failed', 'failed']);
  });

  it('close() resolves while a long latency is pending', async () => {
    const sim = await startSimulator({ scenario: { defaults: { latencyMs: 60_000 } } });
    const pending = fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify(REQUEST) }).then(
      () => 'answered',
      () => 'failed',
    );
    while (sim.stats().total < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await sim.close();
    assert.equal(await pending, 'failed');
  });

  it('a client that aborts mid-stream leaves the server serving others', async () => {
    const sim = await startSimulator({ scenario: { defaults: { tokensPerSecond: 50, outputTokens: 40 } } });
    try {
      const client = new Anthropic({ apiKey: 'sk-test', baseURL: sim.url, maxRetries: 0 });
      const stream = client.messages.stream(REQUEST);
      let received = 0;
      await new Promise<void>((resolve) => {
        stream.on('text', () => {
          received++;
          if (received === 2) {
            stream.abort();
            resolve();
          }
        });
        stream.finalMessage().catch(() => resolve());
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      sim.setScenario('healthy');
      const message = await client.messages.create(REQUEST);
      assert.equal(message.stop_reason, 'end_turn');
    } finally {
      await sim.close();
    }
  });
});
