// A Messages or count_tokens request over the API's size limit (32 MB) is refused as the API
// refuses it — 413 request_too_large, `x-should-retry: false` — as soon as that is known: on its
// Content-Length before its body is read, or when a chunked body crosses the limit. The rest is
// not read: the connection closes after the answer, so a client that keeps sending is not served,
// and nothing goes upstream. A raw socket (to send what a client may) and the official SDK → the
// endpoint in this process → the simulator.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import type { EndpointRequest, RunningEndpoint } from '../../../src/broker/endpoint/endpointServer';
/** The API's limit on a Messages request. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
import { OPUS, TEST_KEY, ownKeyEndpoint, scenario } from './endpointKit';

const PATHS = ['/v1/messages', '/v1/messages/count_tokens'];

interface Exchange {
  /** What the endpoint wrote, as text. */
  readonly answer: string;
  /** Body bytes the client managed to write before the connection closed. */
  readonly written: number;
}

/**
 * Sends a request head and then body bytes as `feed` says (each chunk when the socket takes it),
 * until the connection closes or `feed` is done; resolves once closed (or rejects after 20 s).
 */
function exchange(port: number, head: string, feed: { readonly chunk: Buffer; readonly upTo: number; readonly frame?: boolean }): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let written = 0;
    let closed = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was not closed within 20 s; ${written} body bytes written; answer: ${JSON.stringify(answer.slice(0, 300))}`));
    }, 20_000);
    socket.on('data', (data: Buffer) => (answer += data.toString('utf8')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ answer, written });
    });
    const send = (): void => {
      while (!closed && written < feed.upTo) {
        written += feed.chunk.length;
        const framed = feed.frame === true ? Buffer.concat([Buffer.from(`${feed.chunk.length.toString(16)}\r\n`), feed.chunk, Buffer.from('\r\n')]) : feed.chunk;
        if (!socket.write(framed)) {
          socket.once('drain', send);
          return;
        }
      }
    };
    socket.once('connect', () => {
      socket.write(head);
      send();
    });
  });
}

function head(port: number, path: string, length: string, extra = `x-api-key: ${TEST_KEY}\r\n`): string {
  const framing = length === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${length}`;
  return `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${extra}content-type: application/json\r\nanthropic-version: 2023-06-01\r\n${framing}\r\n\r\n`;
}

function assertTooLarge(answer: string, what: string): void {
  const [headText = '', body = ''] = answer.split('\r\n\r\n');
  assert.match(headText, /^HTTP\/1\.1 413 /, `${what}: ${JSON.stringify(answer.slice(0, 200))}`);
  assert.match(headText, /\r\nx-should-retry: false\r\n/i, what);
  assert.match(headText, /\r\nconnection: close\r\n/i, what);
  const error = JSON.parse(body) as { type: string; error: { type: string; message: string } };
  assert.equal(error.type, 'error', what);
  assert.equal(error.error.type, 'request_too_large', what);
  assert.equal(answer.split('HTTP/1.1').length, 2, `${what}: one answer`);
}

describe('a body over the API’s limit', { timeout: 120_000 }, () => {
  let sim: RunningSimulator;
  let endpoint: RunningEndpoint;
  const answered: EndpointRequest[] = [];
  before(async () => {
    sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
    endpoint = await ownKeyEndpoint(sim.url, { onRequest: (request) => answered.push(request) });
  });
  after(async () => {
    await endpoint?.close();
    await sim?.close();
  });

  test('declared by its Content-Length: refused before the body is sent, and the connection closes', async () => {
    for (const path of PATHS) {
      // 1 KB of a 40 MB body, then silence: only an answer on the head can come.
      const { answer, written } = await exchange(endpoint.port, head(endpoint.port, path, String(40 * 1024 * 1024)), { chunk: Buffer.alloc(1024, 0x20), upTo: 1024 });
      assertTooLarge(answer, path);
      assert.equal(written, 1024);
      assert.equal(answered.at(-1)?.status, 413, `${path}: counted as 413`);
      assert.equal(answered.at(-1)?.path, path);
    }
    assert.equal(sim.stats().total, 0, 'nothing went upstream');
  });

  test('a request refused on its head (no credential, a wrong path) is not read on: the connection closes', async () => {
    const refused: [string, string, number][] = [
      ['/v1/messages', '', 401],
      ['/v1/messages/batches', 'x-api-key: rc-endpoint-not-this-endpoints-token\r\n', 401],
      ['/v2/messages', `x-api-key: ${TEST_KEY}\r\n`, 404],
    ];
    for (const [path, extra, status] of refused) {
      const declared = 64 * 1024 * 1024;
      const { answer, written } = await exchange(endpoint.port, head(endpoint.port, path, String(declared), extra), { chunk: Buffer.alloc(64 * 1024, 0x20), upTo: declared });
      assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), `${path}: ${JSON.stringify(answer.slice(0, 120))}`);
      assert.match(answer, /\r\nconnection: close\r\n/i, `${path} → ${status}: the connection closes`);
      assert.ok(written < declared, `${path}: ${written} of ${declared} bytes sent before the close`);
    }
    assert.equal(sim.stats().total, 0, 'nothing went upstream');
  });

  test('a client that keeps sending is not served: the connection closes long before its body is through', async () => {
    for (const path of PATHS) {
      const declared = 64 * 1024 * 1024;
      const { answer, written } = await exchange(endpoint.port, head(endpoint.port, path, String(declared)), { chunk: Buffer.alloc(64 * 1024, 0x20), upTo: declared });
      assertTooLarge(answer, path);
      assert.ok(written < declared, `${path}: ${written} of ${declared} bytes sent before the close`);
    }
    assert.equal(sim.stats().total, 0, 'nothing went upstream');
  });

  test('a chunked body that crosses the limit: answered at once, and the connection closes', async () => {
    for (const path of PATHS) {
      const upTo = 3 * MAX_BODY_BYTES;
      const { answer, written } = await exchange(endpoint.port, head(endpoint.port, path, 'chunked'), { chunk: Buffer.alloc(256 * 1024, 0x20), upTo, frame: true });
      assertTooLarge(answer, path);
      assert.ok(written < upTo, `${path}: ${written} of ${upTo} bytes sent before the close`);
    }
    assert.equal(sim.stats().total, 0, 'nothing went upstream');
  });

  test('a relayed upload the upstream answers before it is through: the answer comes back and the connection closes', async () => {
    // The simulator answers a path it does not serve at once, without reading the body.
    const upTo = 3 * MAX_BODY_BYTES;
    const { answer, written } = await exchange(endpoint.port, head(endpoint.port, '/v1/files', 'chunked'), { chunk: Buffer.alloc(256 * 1024, 0x20), upTo, frame: true });
    assert.match(answer, /^HTTP\/1\.1 404 /, JSON.stringify(answer.slice(0, 200)));
    assert.match(answer, /\r\nconnection: close\r\n/i);
    assert.ok(written < upTo, `${written} of ${upTo} bytes sent before the close`);
    assert.match(answer, /Not found: POST \/v1\/files/, 'the upstream’s own answer');
  });

  test('a relayed upload whose upstream cannot be reached: the 502 comes back and the connection closes', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await ownKeyEndpoint(`http://127.0.0.1:${deadPort}`);
    try {
      const upTo = 3 * MAX_BODY_BYTES;
      const { answer, written } = await exchange(unreachable.port, head(unreachable.port, '/v1/messages/batches', 'chunked'), { chunk: Buffer.alloc(256 * 1024, 0x20), upTo, frame: true });
      assert.match(answer, /^HTTP\/1\.1 502 /, JSON.stringify(answer.slice(0, 200)));
      assert.match(answer, /\r\nx-should-retry: false\r\n/i);
      assert.match(answer, /\r\nconnection: close\r\n/i);
      assert.ok(written < upTo, `${written} of ${upTo} bytes sent before the close`);
    } finally {
      await unreachable.close();
    }
  });

  test('Expect: 100-continue (curl, for a body over 1 MB): a refused request is not invited to send its body', async () => {
    const refused: [string, string, number][] = [
      ['/v1/messages', `x-api-key: ${TEST_KEY}\r\nexpect: 100-continue\r\n`, 413],
      ['/v1/messages/count_tokens', `x-api-key: ${TEST_KEY}\r\nexpect: 100-continue\r\n`, 413],
      ['/v1/messages', 'expect: 100-continue\r\n', 401],
    ];
    for (const [path, extra, status] of refused) {
      const { answer } = await exchange(endpoint.port, head(endpoint.port, path, String(40 * 1024 * 1024), extra), { chunk: Buffer.alloc(0), upTo: 0 });
      assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), `${path} → ${status}, with no 100 Continue first: ${JSON.stringify(answer.slice(0, 120))}`);
      assert.match(answer, /\r\nconnection: close\r\n/i, `${path} → ${status}: the connection closes`);
    }
    // A request that is served is invited, and answered on a connection kept alive.
    const body = JSON.stringify({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] });
    const served = await new Promise<{ invited: boolean; status: number; connection: string | undefined; model: string }>((resolve, reject) => {
      let invited = false;
      const req = http.request(`${endpoint.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ invited, status: res.statusCode ?? 0, connection: res.headers.connection, model: (JSON.parse(text) as { model: string }).model }));
      });
      req.on('continue', () => {
        invited = true;
        req.end(body);
      });
      req.on('error', reject);
    });
    assert.deepEqual(served, { invited: true, status: 200, connection: 'keep-alive', model: OPUS });
  });

  test('the official SDK: the API’s 413, not retried', async () => {
    const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 2 });
    const before = answered.length;
    const upstreamBefore = sim.stats().total;
    const error = await client.messages.create({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES) }] }).then(
      () => assert.fail('a body over the limit was answered'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Anthropic.APIError, String(error));
    assert.equal(error.status, 413);
    assert.equal((error.error as { error: { type: string } }).error.type, 'request_too_large');
    assert.equal(error.headers?.get('x-should-retry'), 'false');
    assert.deepEqual(answered.slice(before).map((request) => request.status), [413], 'one request, refused');
    assert.equal(sim.stats().total, upstreamBefore, 'nothing went upstream');
  });

  test('a request under the limit on a kept-alive connection is still served', async () => {
    const client = new Anthropic({ baseURL: endpoint.url, apiKey: TEST_KEY, maxRetries: 0 });
    const message = await client.messages.create({ model: OPUS, max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(1024 * 1024) }] });
    assert.equal(message.model, OPUS);
  });
});
