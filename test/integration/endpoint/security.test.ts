// Nobody else gets in: a request without a credential, with a wrong endpoint token, addressed to a
// foreign Host (DNS rebinding) or carrying a browser's Origin is refused by `serve` — and the
// upstream never hears of it. No response ever carries a CORS header.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { Rig } from './endpointKit';
import { ASK, OPUS, TEST_KEY, rig, scenario } from './endpointKit';

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/v1/messages', headers: { 'content-type': 'application/json', ...options.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body ?? JSON.stringify({ model: OPUS, ...ASK }));
  });
}

function corsHeaders(answer: Answer): string[] {
  return Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
}

describe('the endpoint refuses whoever may not use it, and sends nothing upstream', () => {
  let r: Rig;
  before(async () => {
    r = await rig(scenario({}), { key: TEST_KEY });
  });
  after(async () => r.close());

  test('no credential: 401 on /v1/messages and on relayed paths', async () => {
    const messages = await send(r.served.port, {});
    assert.equal(messages.status, 401);
    assert.equal(JSON.parse(messages.body).error.type, 'authentication_error');
    assert.equal(messages.headers['x-should-retry'], 'false');
    const models = await send(r.served.port, { method: 'GET', path: '/v1/models', body: '' });
    assert.equal(models.status, 401);
    const malformed = await send(r.served.port, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    assert.equal(malformed.status, 401);
    assert.equal(r.sim.stats().total, 0);
  });

  test('a wrong endpoint token: 401, not sent upstream as if it were a key', async () => {
    const wrong = `rc-endpoint-${'A'.repeat(43)}`;
    const byKey = await send(r.served.port, { headers: { 'x-api-key': wrong } });
    const byBearer = await send(r.served.port, { headers: { authorization: `Bearer ${wrong}` } });
    const truncated = await send(r.served.port, { headers: { 'x-api-key': r.served.token().slice(0, -1) } });
    for (const answer of [byKey, byBearer, truncated]) assert.equal(answer.status, 401);
    assert.equal(r.sim.stats().total, 0);
  });

  test('a foreign Host (DNS rebinding): 403, even with a good key', async () => {
    for (const host of ['evil.example', `evil.example:${r.served.port}`, `127.0.0.1:${r.served.port + 1}`, `127.0.0.1.nip.io:${r.served.port}`]) {
      const answer = await send(r.served.port, { headers: { host, 'x-api-key': TEST_KEY } });
      assert.equal(answer.status, 403, host);
      assert.equal(JSON.parse(answer.body).error.type, 'permission_error');
    }
    assert.equal(r.sim.stats().total, 0);
  });

  test('a browser Origin: 403 and no CORS header, preflight included, even with the right token', async () => {
    const token = r.served.token();
    const post = await send(r.served.port, { headers: { origin: 'http://localhost:3000', 'x-api-key': token } });
    assert.equal(post.status, 403);
    const preflight = await send(r.served.port, { method: 'OPTIONS', body: '', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 403);
    const nullOrigin = await send(r.served.port, { headers: { origin: 'null', 'x-api-key': TEST_KEY } });
    assert.equal(nullOrigin.status, 403);
    for (const answer of [post, preflight, nullOrigin]) assert.deepEqual(corsHeaders(answer), []);
    assert.equal(r.sim.stats().total, 0);
  });

  test('the token file is private, and an allowed request is served (with no CORS header)', async () => {
    const file = path.join(r.served.runtimeDir, 'endpoint-token');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const ok = await send(r.served.port, { headers: { 'x-api-key': r.served.token() } });
    assert.equal(ok.status, 200);
    assert.deepEqual(corsHeaders(ok), []);
    const viaLocalhost = await send(r.served.port, { headers: { host: `localhost:${r.served.port}`, authorization: `Bearer ${TEST_KEY}` } });
    assert.equal(viaLocalhost.status, 200);
    assert.equal(r.sim.stats().total, 2);
    const printed = r.served.stderr() + r.served.stdout();
    assert.ok(!printed.includes(TEST_KEY) && !printed.includes(r.served.token()));
  });

  test('paths outside /v1/ are not relayed', async () => {
    const before = r.sim.stats().total;
    const answer = await send(r.served.port, { method: 'GET', path: '/_sim/stats', body: '', headers: { 'x-api-key': TEST_KEY } });
    assert.equal(answer.status, 404);
    assert.equal(r.sim.stats().total, before);
  });
});
