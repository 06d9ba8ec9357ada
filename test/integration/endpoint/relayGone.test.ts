// A client that leaves while a relayed request (models, Message Batches, any /v1/ path the endpoint
// relays as it is) is under way: the upstream request is cut at once — its connection closes long
// before the upstream would have answered — and the request is counted as gone (499), as a
// Messages request is, not with the upstream's status; the next request is served on a kept-alive
// connection. Raw node:http → the endpoint in this process → a slow relay → the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSimulator } from '../../../src/simulator/index';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import { OPUS, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

/** How the slow relay answers: holding the head, or sending the head and a first slice of the body,
 *  then nothing for a while; or at once. */
type Pace = 'hold head' | 'stall body' | 'prompt';
const STALL_MS = 15_000;

/** Relays to `target` at `pace`, and notes when each of its answers closed and whether it was written whole. */
async function slowRelay(target: string): Promise<{ url: string; pace: { value: Pace }; closed: { at: number; whole: boolean }[]; close(): Promise<void> }> {
  const closed: { at: number; whole: boolean }[] = [];
  const pace = { value: 'hold head' as Pace };
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = http.request(`${target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          const whole = Buffer.concat(body);
          const headers = { ...answer.headers, 'content-length': String(whole.length) };
          if (pace.value === 'hold head') {
            later(STALL_MS, () => {
              res.writeHead(answer.statusCode ?? 502, headers);
              res.end(whole);
            });
            return;
          }
          res.writeHead(answer.statusCode ?? 502, headers);
          if (pace.value === 'prompt') {
            res.end(whole);
            return;
          }
          res.write(whole.subarray(0, 8));
          later(STALL_MS, () => res.end(whole.subarray(8)));
        });
      });
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
    res.on('close', () => closed.push({ at: Date.now(), whole: res.writableFinished }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pace,
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a request and leaves after the head (`'head'`) or after `ms`; resolves when it left. */
function askAndLeave(url: string, method: string, path: string, body: string | null, leave: 'first bytes' | { ms: number }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers: { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', ...(body !== null ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      res.once('data', () => {
        if (leave === 'first bytes') go();
      });
      res.on('end', () => reject(new Error(`${method} ${path}: the answer ended before the client left`)));
    });
    const go = (): void => {
      req.destroy();
      resolve(Date.now());
    };
    req.on('error', () => undefined);
    if (leave !== 'first bytes') setTimeout(go, leave.ms);
    req.end(body ?? undefined);
  });
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const BATCH = JSON.stringify({ requests: [{ custom_id: 'one', params: { model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] } }] });

test('a client gone from a relayed request: the upstream request is cut at once and the request counted as 499', { timeout: 120_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const relay = await slowRelay(sim.url);
  const answered: EndpointRequest[] = [];
  const logged: string[] = [];
  const endpoint = await ownKeyEndpoint(relay.url, { onRequest: (request) => answered.push(request), log: (line) => logged.push(line) });
  try {
    const cases: { method: string; path: string; body: string | null; pace: Pace; leave: 'first bytes' | { ms: number } }[] = [
      { method: 'GET', path: '/v1/models', body: null, pace: 'hold head', leave: { ms: 400 } },
      { method: 'GET', path: '/v1/models?limit=5', body: null, pace: 'stall body', leave: 'first bytes' },
      { method: 'POST', path: '/v1/messages/batches', body: BATCH, pace: 'hold head', leave: { ms: 400 } },
      { method: 'POST', path: '/v1/messages/batches', body: BATCH, pace: 'stall body', leave: 'first bytes' },
    ];
    for (const { method, path, body, pace, leave } of cases) {
      const what = `${method} ${path}, ${pace}`;
      relay.pace.value = pace;
      const closedBefore = relay.closed.length;
      const answeredBefore = answered.length;
      const left = await askAndLeave(endpoint.url, method, path, body, leave);
      await until(() => relay.closed.length > closedBefore, `${what}: the upstream request closed`);
      const upstream = relay.closed.at(-1)!;
      assert.equal(upstream.whole, false, `${what}: the upstream answer was cut, not written to its end`);
      assert.ok(upstream.at - left < 5_000, `${what}: the upstream closed ${upstream.at - left} ms after the client left (it would answer after ${STALL_MS} ms)`);
      await until(() => answered.length > answeredBefore, `${what}: the endpoint ended the request`);
      assert.equal(answered.at(-1)!.status, 499, `${what}: counted as gone`);
      assert.equal(answered.at(-1)!.path, path.split('?')[0]);
      assert.match(logged.at(-1) ?? '', / relayed → 499,/, `${what}: logged as gone`);
    }

    // The next relayed request is served whole, on a connection kept alive.
    relay.pace.value = 'prompt';
    const served = new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      http
        .get(`${endpoint.url}/v1/models`, { headers: { 'x-api-key': TEST_KEY } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
        })
        .on('error', reject);
    });
    const next = await served;
    assert.equal(next.status, 200);
    assert.notEqual(next.connection, 'close');
    assert.ok((JSON.parse(next.text) as { data: unknown[] }).data.length > 0);
    await until(() => answered.at(-1)?.status === 200, 'the next request counted as answered');
  } finally {
    await endpoint.close();
    await relay.close();
    await sim.close();
  }
});
