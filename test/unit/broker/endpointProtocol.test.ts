// The local endpoint's messages of the broker protocol: what a window asks and hears is checked
// on arrival, and anything else is refused without throwing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEndpointEventParams, parseEndpointRequest, parseEndpointWantParams, parseEndpointWantResult, parseHelloOptions } from '../../../src/broker/protocol';

const CONFIG = { models: ['claude-opus-5-5'], providers: [{ id: 'anthropic', baseURL: 'http://127.0.0.1:1', secretFields: ['apiKey'] }] };
const WANT = { port: 0, config: CONFIG, secrets: [{ apiKey: 'k' }], upstreamBaseUrl: 'https://api.anthropic.com', historyFile: null };
const REQUEST = { client: 'curl 8.5.0', method: 'POST', path: '/v1/messages', status: 200, model: 'claude-opus-5-5', attempts: 1, ms: 12 };

describe('the endpoint messages of the broker protocol', () => {
  it('accept the shapes both sides send', () => {
    assert.equal(parseEndpointWantParams(WANT)?.port, 0);
    assert.equal(parseEndpointWantParams({ ...WANT, port: 8080, historyFile: '/home/u/history.json' })?.historyFile, '/home/u/history.json');
    assert.deepEqual(parseEndpointWantResult({ ok: true, url: 'http://127.0.0.1:4000', port: 4000, tokenFile: '/run/rc/endpoint-token' }), { ok: true, url: 'http://127.0.0.1:4000', port: 4000, tokenFile: '/run/rc/endpoint-token' });
    assert.deepEqual(parseEndpointWantResult({ ok: false, message: 'port 80 is taken' }), { ok: false, message: 'port 80 is taken' });
    assert.deepEqual(parseEndpointRequest(REQUEST), REQUEST);
    assert.equal(parseEndpointRequest({ ...REQUEST, model: null })?.model, null);
    assert.equal(parseEndpointEventParams({ event: { type: 'attempt', time: 1 } })?.event.type, 'attempt');
    // A window's channel that holds the endpoint says so (it is not counted as another window).
    assert.equal(parseHelloOptions({ protocolVersion: 5, kind: 'endpoint', name: 'w', challenge: 'ab'.repeat(32) })?.kind, 'endpoint');
  });

  it('refuse anything else without throwing', () => {
    const wants = [
      null,
      { ...WANT, port: -1 },
      { ...WANT, port: 70_000 },
      { ...WANT, port: '80' },
      { ...WANT, secrets: [] },
      { ...WANT, secrets: [{ apiKey: 7 }] },
      { ...WANT, config: { providers: [] } },
      { ...WANT, upstreamBaseUrl: 'file:///etc/passwd' },
      { ...WANT, historyFile: '' },
    ];
    for (const bad of wants) assert.equal(parseEndpointWantParams(bad), null, JSON.stringify(bad));
    const results = [null, { ok: true, url: 'http://example.com:80', port: 80, tokenFile: '/t' }, { ok: true, url: 'http://127.0.0.1:1', port: 1, tokenFile: '' }, { ok: false }, { url: 'http://127.0.0.1:1' }];
    for (const bad of results) assert.equal(parseEndpointWantResult(bad), null, JSON.stringify(bad));
    const requests = [null, { ...REQUEST, status: '200' }, { ...REQUEST, model: 5 }, { ...REQUEST, client: 'x'.repeat(300) }, { ...REQUEST, ms: Number.NaN }];
    for (const bad of requests) assert.equal(parseEndpointRequest(bad), null, JSON.stringify(bad));
    assert.equal(parseEndpointEventParams({ event: { type: 'attempt' } }), null);
  });
});
