// A window runs the local endpoint in the broker's stead on managers made through its broker
// client (SharedManager): on the broker once one answers again, in the window while none can be
// reached. Either way a streamed answer's head names the upstream request that answers — the
// fallback's after a 529 — as the broker's own endpoint does: the broker tells its client which
// attempt answers (SendOptions.onAnswering) before the first part. Over real HTTP, through the
// official SDK, from the simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import type { ManagerConfig } from '../../../src/core/contract';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { cleanUp, inProcessBroker, sharedClient, unreachableClient } from '../broker/brokerKit';
import { ASK, OPUS, SONNET, TEST_KEY, endpointOn, scenario } from './endpointKit';

let sim: RunningSimulator;
let broker: RunningBroker;
let dir: string;

before(async () => {
  // The primary model only answers 529: the fallback answers.
  sim = await startSimulator({ scenario: scenario({ [OPUS]: { p529: 1 } }), apiKey: TEST_KEY });
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  await broker.stop('test over');
  await cleanUp(dir);
  await sim.close();
});

const hosts = {
  shared: (config: ManagerConfig) => sharedClient(dir, config, 'stand-in-window'),
  local: unreachableClient,
} as const;

describe("a streamed answer's head through a window's broker client", { timeout: 60_000 }, () => {
  for (const [mode, makeManager] of Object.entries(hosts)) {
    test(`the requests run ${mode === 'shared' ? 'on the broker' : 'in the window'}: request-id is the fallback's`, async () => {
      const { endpoint, made } = await endpointOn(sim.url, makeManager);
      try {
        const before = sim.stats().requests.length;
        const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
        const stream = client.messages.stream({ model: OPUS, ...ASK });
        const message = await stream.finalMessage();
        const { response } = await stream.withResponse();
        assert.equal(message.model, SONNET);
        assert.ok(made.length > 0 && made.every((manager) => manager.sharing.mode === mode), `the requests ran ${mode}`);
        const answered = sim.stats().requests.slice(before).filter((request) => request.model === SONNET && request.status === 200);
        assert.equal(answered.length, 1);
        assert.equal(response.headers.get('x-resilient-claude-model'), SONNET);
        assert.equal(response.headers.get('request-id'), answered[0]?.requestId, "the head names the fallback's request, the one that answered");
      } finally {
        await endpoint.close();
      }
    });
  }
});
