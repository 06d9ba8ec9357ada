// The benchmark's client drivers do what the report says they do, checked
// against the real simulator (and the real Portkey gateway) over loopback.
//   node --import tsx --test bench/test/drivers.test.ts
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type RunningSimulator, type Scenario } from '../../src/simulator/index';
import type { ClientEnv } from '../clients/client';
import { createClient } from '../clients/factory';
import { BENCH_API_KEY, CHAIN } from '../config';
import { startPortkeyGateway, type RunningGateway } from '../lib/portkey-gateway';

const FAST = { latencyMs: 5, ttftMs: 2, tokensPerSecond: 5000, outputTokens: 8 };

function messagesTo(sim: RunningSimulator, model: string): string[] {
  return sim
    .stats()
    .requests.filter((r) => r.model === model && r.path.startsWith('/v1/messages'))
    .map((r) => r.outcome);
}

describe('benchmark drivers', { timeout: 90_000 }, () => {
  let sim: RunningSimulator;
  let gateway: RunningGateway;
  let env: ClientEnv;

  before(async () => {
    sim = await startSimulator({ scenario: 'healthy' });
    gateway = await startPortkeyGateway();
    env = { simUrl: sim.url, gatewayUrl: gateway.url, chain: [...CHAIN], maxTokens: 64, apiKey: BENCH_API_KEY };
  });

  after(async () => {
    await gateway.stop();
    await sim.close();
  });

  function use(scenario: Scenario): void {
    sim.setScenario(scenario);
    sim.reset();
  }

  it('sdk-default gives up after the SDK\'s 2 retries and never leaves the primary', async () => {
    use({ defaults: FAST, models: { 'claude-opus-5-5': { p529: 1 } } });
    const client = await createClient('sdk-default', env);
    const result = await client.send('driver test', AbortSignal.timeout(20_000));
    await client.close();
    assert.equal(result.ok, false);
    assert.deepEqual(messagesTo(sim, 'claude-opus-5-5'), ['529', '529', '529']);
    assert.deepEqual(messagesTo(sim, 'claude-sonnet-5-5'), []);
  });

  it('naive-loop retries a 529 after sleeping, with the SDK retrying underneath', async () => {
    use({ defaults: FAST, models: { 'claude-opus-5-5': { sequence: ['529', '529', '529', 'ok'] } } });
    const client = await createClient('naive-loop', env);
    const started = Date.now();
    const result = await client.send('driver test', AbortSignal.timeout(20_000));
    await client.close();
    assert.equal(result.ok, true);
    assert.equal(result.model, 'claude-opus-5-5');
    assert.equal(result.attempts, 4);
    // The SDK's backoff (≈0.4–1.5 s) plus the loop's first sleep of 1–2 s.
    assert.ok(Date.now() - started >= 1000, 'the loop slept before its second attempt');
  });

  it('naive-loop ends the request on an error other than 529', async () => {
    use({ defaults: FAST, models: { 'claude-opus-5-5': { sequence: ['401'] } } });
    const client = await createClient('naive-loop', env);
    const result = await client.send('driver test', AbortSignal.timeout(20_000));
    await client.close();
    assert.equal(result.ok, false);
    assert.deepEqual(messagesTo(sim, 'claude-opus-5-5'), ['401']);
    assert.deepEqual(messagesTo(sim, 'claude-sonnet-5-5'), []);
  });

  it('portkey streams through the gateway and falls back over the chain', async () => {
    use({ defaults: FAST, models: { 'claude-opus-5-5': { unknown: true } } });
    const client = await createClient('portkey', env);
    const result = await client.send('driver test', AbortSignal.timeout(20_000));
    await client.close();
    assert.equal(result.ok, true, result.error);
    assert.equal(result.model, 'claude-sonnet-5-5');
    assert.deepEqual(messagesTo(sim, 'claude-opus-5-5'), ['404']);
    assert.deepEqual(messagesTo(sim, 'claude-sonnet-5-5'), ['ok']);
  });

  it('portkey retries a 529 on the same target before falling back', async () => {
    use({ defaults: FAST, models: { 'claude-opus-5-5': { sequence: ['529', 'ok'] } } });
    const client = await createClient('portkey', env);
    const result = await client.send('driver test', AbortSignal.timeout(20_000));
    await client.close();
    assert.equal(result.ok, true, result.error);
    assert.equal(result.model, 'claude-opus-5-5');
    assert.deepEqual(messagesTo(sim, 'claude-opus-5-5'), ['529', 'ok']);
  });
});
