// What the endpoint does not serve, and bodies it cannot read, are refused by `serve` itself with
// a clear error in the API's shape — never a hang, and nothing sent upstream: methods the API's
// paths do not take (HEAD, OPTIONS, PUT, PATCH; anything but POST on the Messages paths), a path
// whose dot segments would leave /v1/ once resolved, a body that says it is not JSON, invalid JSON,
// a `stream` that is not a boolean, and what is not HTTP Node can read (bad framing, huge headers).
// What a client may send the usual way (a chunked body, Expect: 100-continue, a charset on its
// content-type, a dot segment that stays in /v1/) is served. Raw node:http → `serve` → a
// recording proxy → the simulator. Needs `npm run build`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { connect } from 'node:net';
import type { RecordedRig } from './endpointKit';
import { ASK, OPUS, TEST_KEY, recordedRig, scenario } from './endpointKit';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

interface Sent {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Sent in two writes without a content-length (chunked). */
  readonly chunked?: boolean;
}

const GOOD = JSON.stringify({ model: OPUS, ...ASK });

function send(port: number, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = sent.body ?? '';
    const headers: Record<string, string> = { 'x-api-key': TEST_KEY, 'content-type': 'application/json', ...sent.headers };
    if (!sent.chunked && body !== '') headers['content-length'] = String(Buffer.byteLength(body));
    const req = http.request({ host: '127.0.0.1', port, method: sent.method ?? 'POST', path: sent.path ?? '/v1/messages', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${sent.method ?? 'POST'} ${sent.path ?? '/v1/messages'} in 20 s`)));
    req.on('error', reject);
    if (sent.chunked) {
      req.write(body.slice(0, 7));
      setTimeout(() => req.end(body.slice(7)), 20);
    } else if (headers['expect'] !== undefined) {
      req.on('continue', () => req.end(body));
    } else {
      req.end(body);
    }
  });
}

/** Writes `bytes` on a fresh connection and reads until the endpoint closes it. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(20_000, () => socket.destroy(new Error('the endpoint neither answered nor closed in 20 s')));
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
    socket.write(bytes);
  });
}

function apiError(answer: Answer): { type: string; message: string } {
  const parsed = JSON.parse(answer.body) as { type: string; error: { type: string; message: string } };
  assert.equal(parsed.type, 'error', answer.body);
  return parsed.error;
}

describe('what the endpoint does not serve is refused there, nothing upstream', { timeout: 120_000 }, () => {
  let r: RecordedRig | undefined;
  let port: number;
  const upstreamSince = (count: number): number => r!.proxy.seen.length - count;
  before(async () => {
    r = await recordedRig(scenario({}));
    port = r.served.port;
  });
  after(async () => {
    await r?.close();
  });

  test('HEAD, OPTIONS, PUT, PATCH, and GET or DELETE on the Messages paths: 405 with the methods allowed', async () => {
    const before = r!.proxy.seen.length;
    const cases: readonly [string, string, string][] = [
      ['HEAD', '/v1/messages', 'POST'],
      ['OPTIONS', '/v1/messages', 'POST'],
      ['PUT', '/v1/messages', 'POST'],
      ['GET', '/v1/messages', 'POST'],
      ['DELETE', '/v1/messages/count_tokens', 'POST'],
      ['GET', '/v1/messages/count_tokens?beta=true', 'POST'],
      ['PATCH', '/v1/models', 'GET, POST, DELETE'],
      ['PUT', '/v1/messages/batches', 'GET, POST, DELETE'],
      ['OPTIONS', '/v1/models', 'GET, POST, DELETE'],
    ];
    for (const [method, path, allow] of cases) {
      const answer = await send(port, { method, path, body: method === 'PUT' ? GOOD : '' });
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers['allow'], allow, `${method} ${path}`);
      assert.equal(answer.headers['x-should-retry'], 'false');
      if (method === 'HEAD') continue;
      const error = apiError(answer);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, new RegExp(`${method}.*${allow}`));
    }
    assert.equal(upstreamSince(before), 0, 'nothing reached the upstream');
  });

  test('a path whose dot segments leave /v1/ once resolved: 404, not relayed to where they lead', async () => {
    const before = r!.proxy.seen.length;
    for (const path of ['/v1/../_sim/stats', '/v1/%2e%2e/_sim/stats', '/v1/models/../../_sim/stats?x=1', '/v1/%2E%2E/%2E%2E/v2/messages']) {
      const answer = await send(port, { method: 'GET', path });
      assert.equal(answer.status, 404, path);
      assert.equal(apiError(answer).type, 'not_found_error', path);
    }
    assert.equal(upstreamSince(before), 0, 'nothing reached the upstream');
  });

  test('a dot segment that stays in /v1/ reaches the path it resolves to', async () => {
    const before = r!.proxy.seen.length;
    const models = await send(port, { method: 'GET', path: '/v1/./models/../models?limit=1' });
    assert.equal(models.status, 200, models.body);
    assert.equal((JSON.parse(models.body) as { data: unknown[] }).data.length, 1);
    const message = await send(port, { path: '/v1/x/../messages?beta=true', body: GOOD });
    assert.equal(message.status, 200, message.body);
    const paths = r!.proxy.seen.slice(before).map((seen) => seen.path.split('?')[0]);
    assert.deepEqual(paths, ['/v1/models', '/v1/messages']);
    assert.equal(r!.proxy.seen[before]!.path, '/v1/models?limit=1', 'a relayed path keeps its query string');
  });

  test('a body that says it is not JSON, or is not: 400 invalid_request_error', async () => {
    const before = r!.proxy.seen.length;
    for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const answer = await send(port, { path, body: GOOD, headers: { 'content-type': contentType } });
        assert.equal(answer.status, 400, `${path} ${contentType}`);
        const error = apiError(answer);
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, /JSON/);
      }
      for (const body of ['{"model":', '', '[1,2]', 'null', ...(path === '/v1/messages' ? [JSON.stringify({ model: OPUS, ...ASK, stream: 'true' })] : [])]) {
        const answer = await send(port, { path, body });
        assert.equal(answer.status, 400, `${path} ${JSON.stringify(body)}`);
        assert.equal(apiError(answer).type, 'invalid_request_error');
        assert.equal(answer.headers['x-should-retry'], 'false');
      }
    }
    assert.equal(upstreamSince(before), 0, 'nothing reached the upstream');
  });

  test('a chunked body, Expect: 100-continue and a charset on the content-type are served', async () => {
    const before = r!.proxy.seen.length;
    const chunked = await send(port, { body: GOOD, chunked: true });
    const continued = await send(port, { body: GOOD, headers: { expect: '100-continue' } });
    const charset = await send(port, { body: GOOD, headers: { 'content-type': 'application/json; charset=utf-8' } });
    const counted = await send(port, { path: '/v1/messages/count_tokens', body: JSON.stringify({ model: OPUS, messages: ASK.messages }), chunked: true });
    for (const answer of [chunked, continued, charset, counted]) assert.equal(answer.status, 200, answer.body);
    assert.equal((JSON.parse(chunked.body) as { model: string }).model, OPUS);
    assert.ok((JSON.parse(counted.body) as { input_tokens: number }).input_tokens > 0);
    assert.equal(upstreamSince(before), 4);
  });

  test('what is not HTTP Node can read: an API-shaped 400 (431 for huge headers), then the connection closes', async () => {
    const before = r!.proxy.seen.length;
    const host = `Host: 127.0.0.1:${port}\r\nx-api-key: ${TEST_KEY}\r\ncontent-type: application/json\r\n`;
    const cases: readonly [string, number, string][] = [
      [`POST /v1/messages HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, 'invalid_request_error'],
      ['NOT HTTP AT ALL\r\n\r\n', 400, 'invalid_request_error'],
      [`GET /v1/models HTTP/1.1\r\n${host}x-filler: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'request_too_large'],
    ];
    for (const [bytes, status, type] of cases) {
      const text = await raw(port, bytes);
      const [head = '', body = ''] = text.split('\r\n\r\n');
      assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), text.slice(0, 120));
      assert.match(head, /content-type: application\/json/i);
      assert.equal((JSON.parse(body) as { error: { type: string } }).error.type, type);
    }
    assert.equal(upstreamSince(before), 0, 'nothing reached the upstream');
    const after = await send(port, { body: GOOD });
    assert.equal(after.status, 200, 'the endpoint serves on');
  });
});
