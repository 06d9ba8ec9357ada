// An endpoint handing its address over (a window giving the endpoint back to the broker): it stops
// listening at once, so the next endpoint can take the very port, while an answer it is streaming
// reaches the client whole — over real HTTP, through the official SDK, from the simulator. A
// client on a kept-alive connection (the SDK keeps them) is not kept on the old endpoint: its
// next request reaches the one that took the port over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import { Agent, request } from 'node:http';
import type { EndpointRequest, RunningEndpoint } from '../../../src/broker/endpoint/endpointServer';
import { OPUS, SONNET, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

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

/** Records which endpoint answered what: the one handing over, and the one taking its port. */
function served(): { readonly paths: string[]; readonly onRequest: (request: EndpointRequest) => void } {
  const paths: string[] = [];
  return { paths, onRequest: (request) => paths.push(`${request.status} ${request.model ?? ''}`) };
}

test("handing over: an answer under way closes its kept-alive connection, so the SDK's next request reaches the successor", async () => {
  // The answer's head comes after the hand-over (the upstream takes 600 ms).
  const sim = await startSimulator({ scenario: scenario({ [SONNET]: { latencyMs: 600 } }), apiKey: TEST_KEY });
  const byOld = served();
  const byNew = served();
  const old = await ownKeyEndpoint(sim.url, { onRequest: byOld.onRequest });
  let successor: RunningEndpoint | null = null;
  try {
    // One client, as Claude Code has: the SDK keeps its connections alive between requests.
    const client = new Anthropic({ baseURL: old.url, apiKey: TEST_KEY });
    const pending = client.messages.create({ model: SONNET, max_tokens: 256, messages: [{ role: 'user', content: 'Think first.' }] }).withResponse();
    for (let i = 0; i < 250 && sim.stats().total < 1; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(sim.stats().total, 1, 'the request is under way upstream');

    await old.handOver(30_000);
    successor = await ownKeyEndpoint(sim.url, { port: old.port, onRequest: byNew.onRequest });

    const answered = await pending;
    assert.equal(answered.data.stop_reason, 'end_turn', 'the answer under way came whole');
    assert.equal(answered.response.headers.get('connection'), 'close', 'its connection is not kept alive');
    // At once, as a client's next turn goes.
    const next = await client.messages.create({ model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'And now?' }] });
    assert.equal(next.stop_reason, 'end_turn');
    assert.deepEqual(byNew.paths, [`200 ${OPUS}`], 'the next request reached the successor');
    assert.deepEqual(byOld.paths, [`200 ${SONNET}`], 'the old endpoint answered only the request under way');
  } finally {
    await successor?.close();
    await old.close();
    await sim.close();
  }
});

interface PostHooks {
  /** The first part of the answer arrived (its head was sent). */
  readonly started?: () => void;
  /** Runs the moment the answer ended. */
  readonly ended?: () => void;
}

/** POST /v1/messages over `agent`; resolves with the status and body once the answer ended. */
function post(agent: Agent, port: number, body: object, hooks: PostHooks = {}): Promise<{ readonly status: number; readonly body: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/messages', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' } },
      (res) => {
        let received = '';
        res.setEncoding('utf8');
        res.once('data', () => hooks.started?.());
        res.on('data', (chunk: string) => (received += chunk));
        res.once('end', () => {
          hooks.ended?.();
          resolve({ status: res.statusCode ?? 0, body: received });
        });
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    req.end(text);
  });
}

test("handing over: a stream under way ends its kept-alive connection, so the client's next request reaches the successor", async () => {
  // About 1.5 s of streaming: its head (keep-alive) is sent before the hand-over.
  const sim = await startSimulator({ scenario: scenario({}, { outputTokens: 60, tokensPerSecond: 40 }), apiKey: TEST_KEY });
  const byOld = served();
  const byNew = served();
  const old = await ownKeyEndpoint(sim.url, { onRequest: byOld.onRequest });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let successor: RunningEndpoint | null = null;
  try {
    const ask = { model: OPUS, max_tokens: 256, messages: [{ role: 'user', content: 'Tell me a long story.' }] };
    let next: Promise<{ readonly status: number; readonly body: string }> | null = null;
    // The next request is sent the moment the stream ends, on the agent's one kept-alive connection:
    // it may meet that connection closing, and is then sent again as the SDKs do with a reset connection.
    let started: () => void = () => undefined;
    const streaming = new Promise<void>((resolve) => (started = resolve));
    const streamed = post(agent, old.port, { ...ask, stream: true }, {
      started,
      ended: () => {
        next = post(agent, old.port, ask).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
          return post(agent, old.port, ask);
        });
      },
    });
    await streaming;

    await old.handOver(30_000);
    successor = await ownKeyEndpoint(sim.url, { port: old.port, onRequest: byNew.onRequest });

    const stream = await streamed;
    assert.equal(stream.status, 200);
    assert.match(stream.body, /event: message_stop/, 'the stream under way came whole');
    assert.notEqual(next, null);
    const answer = await next!;
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(byNew.paths, [`200 ${OPUS}`], 'the next request reached the successor');
    assert.deepEqual(byOld.paths, [`200 ${OPUS}`], 'the old endpoint answered only the stream under way');
  } finally {
    agent.destroy();
    await successor?.close();
    await old.close();
    await sim.close();
  }
});
