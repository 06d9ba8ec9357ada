// An endpoint handing its address over (a window giving the endpoint back to the broker): it stops
// listening at once, so the next endpoint can take the very port, while an answer it is streaming
// reaches the client whole — over real HTTP, through the official SDK, from the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

test('handing over: the port is free at once and the answer under way still streams to its end', async () => {
  // About 1.5 s of streaming: the hand-over comes in the middle of it.
  const sim = await startSimulator({ scenario: scenario({}, { outputTokens: 60, tokensPerSecond: 40 }), apiKey: TEST_KEY });
  const endpoint = await ownKeyEndpoint(sim.url);
  let successor: Server | null = null;
  try {
    const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
    const stream = client.messages.stream({ model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'Tell me a long story.' }] });
    let deltas = 0;
    let deltasAtHandOver = -1;
    const firstText = new Promise<void>((resolve) => stream.once('text', () => resolve()));
    stream.on('text', () => (deltas += 1));
    await firstText;

    await endpoint.handOver(30_000);
    deltasAtHandOver = deltas;
    const taking = createServer();
    successor = taking;
    const accepted: number[] = [];
    taking.on('connection', (socket) => {
      accepted.push(1);
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      taking.once('error', reject);
      taking.listen(endpoint.port, '127.0.0.1', resolve);
    });

    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.output_tokens, 60, 'the whole answer');
    assert.ok(deltas > deltasAtHandOver, 'text kept coming after the hand-over');
    await assert.rejects(fetch(`${endpoint.url}/v1/models`), 'a new connection reaches the successor');
    assert.equal(accepted.length, 1, 'the successor listens on that port');
  } finally {
    const taking = successor;
    if (taking !== null) await new Promise<void>((resolve) => taking.close(() => resolve()));
    await endpoint.close();
    await sim.close();
  }
});
