// A client that disconnects while its answer is under way: the endpoint aborts the upstream attempt
// (the upstream sees its socket close long before the answer would have ended), ends the request —
// counted as gone (499), not as answered — and serves the next request. Raw node:http → the
// endpoint in this process → a watching relay → the simulator streaming slowly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../../../src/simulator/index';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import { ASK, OPUS, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

/** Relays to `target` and notes when each upstream answer closed, and whether it was written whole. */
async function watchingRelay(target: string): Promise<{ url: string; closed: { at: number; whole: boolean }[]; close(): Promise<void> }> {
  const closed: { at: number; whole: boolean }[] = [];
  const server = http.createServer((req, res) => {
    const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => {
      closed.push({ at: Date.now(), whole: res.writableFinished });
      upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a request and disconnects once `leaveAfter` says so; resolves when it left. */
function askAndLeave(url: string, body: Record<string, unknown>, leaveAfter: { chunks: number } | { ms: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' } }, (res) => {
      let chunks = 0;
      res.on('data', () => {
        chunks += 1;
        if ('chunks' in leaveAfter && chunks === leaveAfter.chunks) leave();
      });
      res.on('end', () => reject(new Error('the answer ended before the client left')));
    });
    const leave = (): void => {
      req.destroy();
      resolve(Date.now());
    };
    req.on('error', () => undefined);
    if ('ms' in leaveAfter) setTimeout(leave, leaveAfter.ms);
    req.end(JSON.stringify(body));
  });
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a client gone mid-answer: the upstream attempt is aborted, the request ends as 499, and the next one is served', { timeout: 90_000 }, async () => {
  // 400 tokens at 40 a second: an answer takes about 10 s, so a close within a few is the abort's.
  const sim = await startSimulator({ scenario: scenario({}, { outputTokens: 400, tokensPerSecond: 40 }), apiKey: TEST_KEY });
  const relay = await watchingRelay(sim.url);
  const answered: EndpointRequest[] = [];
  const endpoint = await ownKeyEndpoint(relay.url, { onRequest: (request) => answered.push(request) });
  try {
    for (const [kind, leaveAfter] of [['streamed', { chunks: 3 }], ['not streamed', { ms: 800 }]] as const) {
      const closedBefore = relay.closed.length;
      const answeredBefore = answered.length;
      const left = await askAndLeave(endpoint.url, { model: OPUS, ...ASK, stream: kind === 'streamed' }, leaveAfter);
      await until(() => relay.closed.length > closedBefore, `${kind}: the upstream answer closed`);
      const upstream = relay.closed.at(-1)!;
      assert.equal(upstream.whole, false, `${kind}: the upstream answer was cut, not written to its end`);
      assert.ok(upstream.at - left < 5_000, `${kind}: the upstream closed ${upstream.at - left} ms after the client left`);
      await until(() => answered.length > answeredBefore, `${kind}: the endpoint ended the request`);
      assert.equal(answered.at(-1)!.status, 499, `${kind}: counted as gone`);
      assert.equal(answered.at(-1)!.attempts, 1, `${kind}: no attempt after the client left`);
    }
    const attempts = sim.stats().total;
    const next = await fetch(`${endpoint.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: OPUS, max_tokens: 8, messages: ASK.messages }),
    });
    assert.equal(next.status, 200);
    assert.equal((await next.json() as { model: string }).model, OPUS);
    assert.equal(sim.stats().total - attempts, 1, 'the next request took one attempt');
  } finally {
    await endpoint.close();
    await relay.close();
    await sim.close();
  }
});

test('a client gone after an attempt failed (the manager waiting or on its next attempt): counted as 499, not as that 529', { timeout: 90_000 }, async () => {
  for (const streamed of [false, true]) {
    const what = streamed ? 'streamed' : 'not streamed';
    // The first attempt meets a 529 at once; the next takes about 10 s: the client leaves in between.
    const sim = await startSimulator({ scenario: scenario({ [OPUS]: { sequence: ['529', 'ok'] } }, { outputTokens: 400, tokensPerSecond: 40 }), apiKey: TEST_KEY });
    const answered: EndpointRequest[] = [];
    let overloaded = false;
    const endpoint = await ownKeyEndpoint(sim.url, {
      models: () => [OPUS],
      onRequest: (request) => answered.push(request),
      onEvent: (event) => {
        if (event.type === 'attempt' && event.status === 529) overloaded = true;
      },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const req = http.request(`${endpoint.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json' } }, () => undefined);
        req.on('error', () => undefined);
        req.end(JSON.stringify({ model: OPUS, ...ASK, stream: streamed }));
        until(() => overloaded, `${what}: the 529`).then(() => {
          req.destroy();
          resolve();
        }, reject);
      });
      await until(() => answered.length > 0, `${what}: the endpoint ended the request`);
      assert.equal(answered[0]!.status, 499, `${what}: counted as gone`);
    } finally {
      await endpoint.close();
      await sim.close();
    }
  }
});
