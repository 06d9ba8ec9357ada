// A relayed request (models, Message Batches, any /v1/ path relayed as it is) whose upstream takes
// the request and never sends its answer's head: after the relay's time limit the client gets the
// API's 504 (timeout_error) with `x-should-retry: true` — the official SDK retries it, then reports a
// 504 — the upstream request is cut (its connection closes), and the request is logged and counted.
// An upload slower than the limit is not cut: the limit counts from the last byte that went up.
// Raw node:http and the official SDK → the endpoint in this process → a raw loopback upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { EndpointRequest } from '../../../src/broker/endpoint/endpointServer';
import { OPUS, TEST_KEY, ownKeyEndpoint } from './endpointKit';

const LIMIT_MS = 1_500;

/** An upstream that reads each request whole and answers it only when `answer` says so (else never). */
async function silentUpstream(): Promise<{ url: string; answer: { value: boolean }; requests: { path: string; bytes: number }[]; openSockets(): number; close(): Promise<void> }> {
  const requests: { path: string; bytes: number }[] = [];
  const answer = { value: false };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', bytes });
      if (!answer.value) return;
      const text = JSON.stringify({ id: 'msgbatch_01', type: 'message_batch', processing_status: 'in_progress' });
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_upstream_1' });
      res.end(text);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answer,
    requests,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly ms: number;
}

/** One request over raw HTTP, its body sent in `pieces` `gapMs` apart; gives up after 30 s. */
function ask(url: string, method: string, path: string, pieces: readonly string[] = [], gapMs = 0): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' };
    if (pieces.length > 0) headers['content-type'] = 'application/json';
    const req = http.request(`${url}${path}`, { method, headers, signal: AbortSignal.timeout(30_000) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, ms: Date.now() - started }));
    });
    req.on('error', reject);
    const send = (index: number): void => {
      if (index >= pieces.length) {
        req.end();
        return;
      }
      req.write(pieces[index]);
      setTimeout(() => send(index + 1), gapMs);
    };
    send(0);
  });
}

const BATCH = JSON.stringify({ requests: [{ custom_id: 'one', params: { model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'Hello' }] } }] });

test('a relayed request whose upstream never answers: a 504 the client may retry, the upstream request cut, logged and counted', { timeout: 120_000 }, async () => {
  const upstream = await silentUpstream();
  const answered: EndpointRequest[] = [];
  const logged: string[] = [];
  const endpoint = await ownKeyEndpoint(upstream.url, { relayHeadersTimeoutMs: LIMIT_MS, onRequest: (request) => answered.push(request), log: (line) => logged.push(line) });
  try {
    for (const [method, path, body] of [
      ['GET', '/v1/models?limit=5', null],
      ['POST', '/v1/messages/batches', BATCH],
    ] as const) {
      const what = `${method} ${path}`;
      const answer = await ask(endpoint.url, method, path, body === null ? [] : [body]);
      assert.equal(answer.status, 504, `${what}: ${answer.text}`);
      assert.equal(answer.headers['x-should-retry'], 'true', `${what}: the client may retry, as the API lets it`);
      assert.equal(answer.headers['content-type'], 'application/json');
      const error = JSON.parse(answer.text) as { type: string; error: { type: string; message: string } };
      assert.equal(error.type, 'error');
      assert.equal(error.error.type, 'timeout_error');
      assert.match(error.error.message, /sent no answer within 1500 ms of the request/);
      assert.ok(!answer.text.includes(TEST_KEY) && !logged.join('\n').includes(TEST_KEY), 'never the key');
      assert.ok(answer.ms >= LIMIT_MS - 50, `${what}: not before the limit (${answer.ms} ms)`);
      assert.equal(upstream.requests.at(-1)?.path, path, `${what}: the request reached the upstream`);
      // The upstream request is cut: its connection closes, not left to wait for ever.
      await until(() => upstream.openSockets() === 0, `${what}: the upstream connection closed`);
      await until(() => answered.length > 0 && answered.at(-1)!.path === path.split('?')[0], `${what}: counted`);
      assert.equal(answered.at(-1)!.status, 504, `${what}: counted as a 504`);
      assert.match(logged.at(-1) ?? '', new RegExp(`${method} ${path.split('?')[0]} relayed → 504 \\(the upstream sent no answer within ${LIMIT_MS} ms: cut\\)`));
    }

    // The official SDK retries the 504 (x-should-retry: true), then reports it as the API's 504.
    const { default: Anthropic, APIError } = await import('@anthropic-ai/sdk');
    const client = new Anthropic({ apiKey: TEST_KEY, baseURL: endpoint.url, maxRetries: 1 });
    const before = upstream.requests.length;
    const failed = await client.models.list().then(
      () => null,
      (error: unknown) => error,
    );
    assert.ok(failed instanceof APIError, `the SDK reports an API error: ${String(failed)}`);
    assert.equal(failed.status, 504);
    assert.equal(upstream.requests.length - before, 2, 'the SDK retried once, as it may');

    // An upload slower than the limit, to an upstream that answers once it has it all, is not cut:
    // the limit counts from the last byte that went up.
    upstream.answer.value = true;
    const pieces = [BATCH.slice(0, 40), BATCH.slice(40, 80), BATCH.slice(80, 120), BATCH.slice(120)];
    const slow = await ask(endpoint.url, 'POST', '/v1/messages/batches', pieces, LIMIT_MS / 2);
    assert.equal(slow.status, 200, slow.text);
    assert.ok(slow.ms > LIMIT_MS, `the upload took longer than the limit (${slow.ms} ms)`);
    assert.equal(upstream.requests.at(-1)?.bytes, Buffer.byteLength(BATCH), 'the whole body went up');
    assert.equal(slow.headers['request-id'], 'req_upstream_1');
  } finally {
    await endpoint.close();
    await upstream.close();
  }
});
