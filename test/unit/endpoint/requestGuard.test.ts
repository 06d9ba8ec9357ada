import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guardRequest, hostNamesEndpoint } from '../../../src/broker/endpoint/requestGuard';

const TOKEN = `rc-endpoint-${'x'.repeat(43)}`;
const HOST = { host: '127.0.0.1:4000' };

test('the Host must name the endpoint: loopback names with its own port only', () => {
  for (const host of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST:4000', '[::1]:4000']) assert.ok(hostNamesEndpoint(host, 4000), host);
  for (const host of [undefined, '127.0.0.1', '127.0.0.1:4001', 'evil.example:4000', 'localhost.evil.example:4000', '127.0.0.2:4000']) {
    assert.ok(!hostNamesEndpoint(host, 4000), String(host));
  }
});

test('a browser Origin is refused whatever the credential', () => {
  const result = guardRequest({ ...HOST, origin: 'http://127.0.0.1:4000', 'x-api-key': TOKEN }, 4000, TOKEN);
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.status, 403);
});

test('the endpoint token, by x-api-key or bearer, stands for the user', () => {
  assert.deepEqual(guardRequest({ ...HOST, 'x-api-key': TOKEN }, 4000, TOKEN), { ok: true, credential: { kind: 'user' } });
  assert.deepEqual(guardRequest({ ...HOST, authorization: `Bearer ${TOKEN}` }, 4000, TOKEN), { ok: true, credential: { kind: 'user' } });
});

test('a token-shaped value that is not the token is refused (never sent upstream as a key)', () => {
  const wrong = guardRequest({ ...HOST, 'x-api-key': `rc-endpoint-${'y'.repeat(43)}` }, 4000, TOKEN);
  assert.equal(!wrong.ok && wrong.status, 401);
  // A right token beside a wrong one is still refused.
  const mixed = guardRequest({ ...HOST, 'x-api-key': TOKEN, authorization: 'Bearer rc-endpoint-nope' }, 4000, TOKEN);
  assert.equal(mixed.ok, false);
});

test('a client\'s own key or bearer token serves that client, as it was sent', () => {
  assert.deepEqual(guardRequest({ ...HOST, 'x-api-key': 'sk-ant-own' }, 4000, TOKEN), { ok: true, credential: { kind: 'client', apiKey: 'sk-ant-own' } });
  assert.deepEqual(guardRequest({ ...HOST, authorization: 'Bearer sk-ant-oat-login' }, 4000, TOKEN), { ok: true, credential: { kind: 'client', authToken: 'sk-ant-oat-login' } });
});

test('no credential, or a malformed one, is a 401 that says what to send', () => {
  for (const headers of [{ ...HOST }, { ...HOST, authorization: 'Basic abc' }, { ...HOST, 'x-api-key': '  ' }]) {
    const result = guardRequest(headers, 4000, TOKEN);
    assert.equal(!result.ok && result.status, 401);
    assert.match(!result.ok ? result.message : '', /x-api-key|Bearer/);
  }
});
