// The SDK clients' fetch over node:http (nodeFetch.ts) answers as the platform's fetch does, on a
// real loopback server: the status, headers and a body that arrives as it is written; a
// compressed body decoded; no server → `fetch failed` with the socket's code as its cause; a body
// that breaks off → `terminated`; an abort before or during the body → the signal's reason; and
// what it cannot carry (a stream body) left to the platform's fetch; an answer it cannot take (a
// 101) → `fetch failed`, never a promise left unsettled.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { nodeFetch } from '../../../src/core/nodeFetch';
import { close, rejection, serve } from '../../support/loopbackHttp';

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => resolve(text));
  });
}

test('a request is sent as given and its answer read as it is written', { timeout: 30_000 }, async () => {
  let release = (): void => undefined;
  const second = new Promise<void>((resolve) => (release = resolve));
  const { url, server } = await serve((req, res) => {
    void bodyOf(req).then(async (body) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_1', 'x-echo': `${req.method} ${req.url} ${req.headers['x-api-key']} ${body}` });
      res.write('event: one\n\n');
      await second;
      res.end('event: two\n\n');
    });
  });
  try {
    const response = await nodeFetch(`${url}/v1/messages?beta=true`, { method: 'POST', headers: { 'x-api-key': 'k-1', 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('request-id'), 'req_1');
    assert.equal(response.headers.get('x-echo'), 'POST /v1/messages?beta=true k-1 {"a":1}');
    const reader = response.body!.getReader();
    const first = await reader.read();
    // The first event arrived while the server still holds the second.
    assert.equal(Buffer.from(first.value!).toString('utf8'), 'event: one\n\n');
    release();
    let rest = '';
    for (let step = await reader.read(); !step.done; step = await reader.read()) rest += Buffer.from(step.value).toString('utf8');
    assert.equal(rest, 'event: two\n\n');
  } finally {
    release();
    await close(server);
  }
});

test('an error status comes back with its body; a gzip body is decoded', { timeout: 30_000 }, async () => {
  const { url, server } = await serve((req, res) => {
    if (req.url === '/gzip') {
      const zipped = gzipSync('{"ok":true}');
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) });
      res.end(zipped);
      return;
    }
    res.writeHead(529, { 'content-type': 'application/json', 'x-should-retry': 'true' });
    res.end('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
  });
  try {
    const overloaded = await nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}' });
    assert.equal(overloaded.status, 529);
    assert.equal(overloaded.ok, false);
    assert.equal(overloaded.headers.get('x-should-retry'), 'true');
    assert.equal(((await overloaded.json()) as { error: { type: string } }).error.type, 'overloaded_error');
    const zipped = await nodeFetch(`${url}/gzip`);
    assert.deepEqual(await zipped.json(), { ok: true });
  } finally {
    await close(server);
  }
});

test('no server: fetch failed, the socket error (ECONNREFUSED) as its cause', { timeout: 30_000 }, async () => {
  const { url, server } = await serve(() => undefined);
  await close(server);
  const error = await rejection(nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}' }));
  assert.ok(error instanceof TypeError);
  assert.equal(error.message, 'fetch failed');
  assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
});

test('a body that breaks off: reading it fails with terminated', { timeout: 30_000 }, async () => {
  const { url, server } = await serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: one\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
  });
  try {
    const response = await nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}' });
    const error = await rejection(response.text());
    assert.ok(error instanceof TypeError);
    assert.equal(error.message, 'terminated');
  } finally {
    await close(server);
  }
});

test('an abort before the answer, and one during its body: the signal\'s reason', { timeout: 30_000 }, async () => {
  const { url, server } = await serve((req, res) => {
    if (req.url === '/late') return;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: one\n\n');
  });
  try {
    const before = new AbortController();
    const pending = nodeFetch(`${url}/late`, { method: 'POST', body: '{}', signal: before.signal });
    const reason = new DOMException('stopped', 'AbortError');
    setTimeout(() => before.abort(reason), 50);
    assert.equal(await rejection(pending), reason);

    const during = new AbortController();
    const response = await nodeFetch(`${url}/open`, { method: 'POST', body: '{}', signal: during.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const cut = new DOMException('cut', 'AbortError');
    during.abort(cut);
    assert.equal(await rejection(reader.read()), cut);

    const already = new AbortController();
    already.abort(reason);
    assert.equal(await rejection(nodeFetch(`${url}/open`, { signal: already.signal })), reason);
  } finally {
    await close(server);
  }
});

test('a stream body is left to the platform\'s fetch', { timeout: 30_000 }, async () => {
  const { url, server } = await serve((req, res) => {
    void bodyOf(req).then((body) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`got ${body}`);
    });
  });
  try {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await nodeFetch(`${url}/upload`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    assert.equal(await response.text(), 'got streamed');
  } finally {
    await close(server);
  }
});

test('a 101 Switching Protocols (an answer fetch cannot take) fails as fetch does instead of never settling', { timeout: 30_000 }, async () => {
  const server = createNetServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframes'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const signal = new AbortController().signal;
    const settled = await Promise.race([
      rejection(nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}', signal })),
      new Promise<'unsettled'>((resolve) => setTimeout(() => resolve('unsettled'), 15_000).unref()),
    ]);
    assert.ok(settled instanceof TypeError, String(settled));
    assert.equal(settled.message, 'fetch failed');
    assert.equal(getEventListeners(signal, 'abort').length, 0, 'the request let go of its signal');
  } finally {
    server.close();
  }
});

test('the headers are those the platform\'s fetch gives: repeated ones joined, each set-cookie kept, in its order; a 204 the same', { timeout: 30_000 }, async () => {
  const { url, server } = await serve((req, res) => {
    req.resume();
    res.setHeader('X-Repeated', ['one', 'two']);
    res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2']);
    res.setHeader('Request-Id', 'req_7');
    res.setHeader('anthropic-ratelimit-requests-remaining', '41');
    res.writeHead(req.url === '/none' ? 204 : 200, 'Fine', { 'content-type': 'text/event-stream' });
    res.end(req.url === '/none' ? undefined : 'event: ping\n\n');
  });
  try {
    for (const path of ['/some', '/none']) {
      const ours = await nodeFetch(`${url}${path}`);
      const platform = await fetch(`${url}${path}`);
      const entries = (response: Response): string[][] => [...response.headers].filter(([name]) => name !== 'date' && name !== 'keep-alive');
      assert.deepEqual(entries(ours), entries(platform), path);
      assert.deepEqual(ours.headers.getSetCookie(), ['a=1; Path=/', 'b=2']);
      assert.equal(ours.headers.get('x-repeated'), 'one, two');
      assert.equal(ours.status, platform.status);
      assert.equal(ours.statusText, 'Fine');
      assert.equal(await ours.text(), await platform.text());
    }
  } finally {
    await close(server);
  }
});
