// A window that runs the local endpoint in the broker's stead streams through its broker client
// (SharedManager): on the broker, and in the window while no broker can be reached. Either way the
// official SDK receives the API's own events, in order and unchanged — server tools, citations,
// redacted thinking, a block type nobody has met yet — as the simulator served them from recordings
// of real answers: the broker hands its manager's events on to the client that asks for them.
// A broker that stops in the middle of such an answer leaves the window to finish it by core's
// rule: the client still reads one message. A broker from before answer events (it sends only
// parts) still serves the window, through the events the endpoint rebuilds from the parts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { SharedManager } from '../../../src/broker/client/sharedManager';
import { connectOrStartBroker } from '../../../src/broker/client/connect';
import { openJsonRpcChannel } from '../../../src/broker/client/jsonRpcChannel';
import { createRequestManager } from '../../../src/core/requestManager';
import type { RunningBroker } from '../../../src/broker/brokerServer';
import type { ManagerConfig } from '../../../src/core/contract';
import { canonicalAnswer, startSimulator } from '../../../src/simulator/index';
import { cleanUp, eventually, inProcessBroker, sharedClient, unreachableClient } from '../broker/brokerKit';
import { ASK, OPUS, REPO, TEST_KEY, endpointOn, scenario } from './endpointKit';

let broker: RunningBroker;
let dir: string;

before(async () => {
  ({ dir, broker } = await inProcessBroker());
});

after(async () => {
  await broker.stop('test over');
  await cleanUp(dir);
});

const hosts = {
  shared: (config: ManagerConfig) => sharedClient(dir, config, 'stand-in-window'),
  local: unreachableClient,
} as const;

/** Recordings of answers with blocks beyond text, and what each one shows. */
const RECORDINGS: Readonly<Record<string, string>> = {
  'web-search.jsonl': 'a server tool, its result and text with citations deltas',
  'thinking-redacted.jsonl': 'thinking with its signature and a redacted thinking block',
  'future-block.jsonl': 'a block and a delta type nobody has met, usage fields we do not type',
  'mcp.jsonl': 'an MCP tool call and its result',
};

/** The events of a recording (one JSON event a line), pings left out. */
function recorded(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string })
    .filter((event) => event.type !== 'ping');
}

describe("a stream through a window's broker client carries the API's events", { timeout: 120_000 }, () => {
  for (const [mode, makeManager] of Object.entries(hosts)) {
    for (const [name, shows] of Object.entries(RECORDINGS)) {
      test(`${mode === 'shared' ? 'on the broker' : 'in the window'}: ${shows} (${name})`, async () => {
        const file = join(REPO, 'test', 'fixtures', 'streams', name);
        const sim = await startSimulator({ scenario: scenario({}, { recordedStreams: [file] }), apiKey: TEST_KEY });
        const { endpoint, made } = await endpointOn(sim.url, makeManager);
        try {
          const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
          const received: unknown[] = [];
          const stream = await client.beta.messages.create({ model: OPUS, ...ASK, stream: true });
          for await (const event of stream) received.push(event);
          assert.ok(made.length > 0 && made.every((manager) => manager.sharing.mode === mode), `the requests ran ${mode}`);
          assert.equal(sim.stats().requests.length, 1, 'one request upstream');
          assert.deepEqual(received, recorded(file));
        } finally {
          await endpoint.close();
          await sim.close();
        }
      });
    }
  }
});

describe("a broker that stops in the middle of a relayed answer", { timeout: 120_000 }, () => {
  test('the window finishes the answer from where it stopped: one message, its text whole and once', async () => {
    const prompt = 'what happens when the broker stops';
    // About 2 s of streaming: the broker stops with part of the answer delivered.
    const sim = await startSimulator({ scenario: scenario({}, { tokensPerSecond: 30, outputTokens: 60 }), apiKey: TEST_KEY });
    const own = await inProcessBroker();
    const { endpoint, made } = await endpointOn(sim.url, (config) => sharedClient(own.dir, config, 'stand-in-window'));
    try {
      const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
      const stream = await client.beta.messages.create({ model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: prompt }], stream: true });
      const received: Anthropic.Beta.Messages.BetaRawMessageStreamEvent[] = [];
      let text = '';
      let stopping: Promise<void> | null = null;
      for await (const event of stream) {
        received.push(event);
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          text += event.delta.text;
          if (stopping === null && made[0]?.sharing.mode === 'shared') stopping = own.broker.stop('stopped mid-answer by the test');
        }
      }
      assert.ok(stopping !== null, 'the broker was stopped during the answer');
      await stopping;
      assert.ok(await eventually(() => made[0]?.sharing.mode === 'local'), 'the window runs its requests itself now');
      assert.equal(text, canonicalAnswer(prompt, 60), 'the text whole and once');
      const types = received.map((event) => event.type);
      assert.equal(types.filter((type) => type === 'message_start').length, 1, types.join(','));
      assert.equal(types.at(-1), 'message_stop', types.join(','));
      assert.equal(types.filter((type) => type === 'message_stop').length, 1);
      const indices = new Set(received.flatMap((event) => ('index' in event ? [event.index] : [])));
      assert.deepEqual([...indices], [0], 'one text block, continued at its own index');
      const asked = sim.stats().requests;
      assert.equal(asked.length, 2, "the broker's attempt, then the window's continuation");
    } finally {
      await endpoint.close();
      await own.broker.stop('test over');
      await cleanUp(own.dir);
      await sim.close();
    }
  });
});

describe("a broker that stops in the middle of a relayed thinking block", { timeout: 120_000 }, () => {
  test('the answer ends with an error event that says what was delivered, and nothing is redone', async () => {
    const sim = await startSimulator({ scenario: scenario({}, { tokensPerSecond: 30, outputTokens: 60 }), apiKey: TEST_KEY });
    const own = await inProcessBroker();
    const { endpoint, made } = await endpointOn(sim.url, (config) => sharedClient(own.dir, config, 'stand-in-window'));
    try {
      const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
      const body = { model: OPUS, max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, messages: [{ role: 'user' as const, content: 'Think hard: what if the broker stops?' }], stream: true as const };
      const stream = await client.beta.messages.create(body);
      const types: string[] = [];
      let stopping: Promise<void> | null = null;
      const error = await (async () => {
        for await (const event of stream) {
          types.push(event.type === 'content_block_delta' ? event.delta.type : event.type);
          if (stopping === null && event.type === 'content_block_delta' && event.delta.type === 'thinking_delta' && made[0]?.sharing.mode === 'shared') stopping = own.broker.stop('stopped mid-thinking by the test');
        }
        return null;
      })().catch((e: unknown) => e);
      assert.ok(stopping !== null, 'the broker was stopped during the thinking block');
      assert.ok(error instanceof Anthropic.APIError, `the stream ended with an error (${String(error)}): ${types.join(',')}`);
      assert.match(error.message, /incomplete.*part of a thinking block/);
      assert.ok(!types.includes('message_stop') && !types.includes('text_delta'), types.join(','));
      assert.equal(sim.stats().requests.length, 1, 'a thinking block the client has seen is not redone');
    } finally {
      await endpoint.close();
      await own.broker.stop('test over');
      await cleanUp(own.dir);
      await sim.close();
    }
  });
});

describe('a broker that sends only parts', { timeout: 120_000 }, () => {
  test("the window's requests still run on it, and the endpoint rebuilds the stream from the parts", async () => {
    const prompt = 'an older broker';
    const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
    let inProcess = 0;
    const { endpoint, made: managers } = await endpointOn(
      sim.url,
      (config) =>
        new SharedManager({
          config,
          historyFile: null,
          reconnect: false,
          log: () => undefined,
          createLocal: (c) => {
            inProcess += 1;
            return createRequestManager(c);
          },
          // The broker's handshake without `answerEvents`, as a broker from before them answers.
          connect: async () => {
            const channel = await openJsonRpcChannel(await connectOrStartBroker({ runtimeDir: dir, start: () => undefined }), 'cli', 'older-broker-client');
            const { answerEvents: _answerEvents, ...older } = channel.info;
            void _answerEvents;
            return { ...channel, info: older };
          },
        }),
    );
    try {
      const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
      // The first request makes the window's manager, which connects meanwhile.
      await client.messages.create({ model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'a first request' }] });
      await Promise.all(managers.map((manager) => manager.whenReady()));
      const before = inProcess;
      const message = await client.messages.stream({ model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: prompt }] }).finalMessage();
      assert.equal(message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), canonicalAnswer(prompt, 12));
      assert.equal(message.stop_reason, 'end_turn');
      assert.ok(managers.length > 0 && managers.every((manager) => manager.sharing.mode === 'shared'), 'the requests ran on the broker');
      assert.equal(inProcess, before, 'the stream ran on the broker, not in the window');
    } finally {
      await endpoint.close();
      await sim.close();
    }
  });
});
