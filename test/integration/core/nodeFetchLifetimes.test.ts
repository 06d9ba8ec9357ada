// What nodeFetch.ts holds on to, on a real loopback server: a slow but live answer is read whole
// however long its silences (the transport never cuts a stream; the engine's stall watch does), a
// socket left idle in the pool is closed by the client after a while, and an AbortSignal reused
// for many requests gets one listener per request, gone as soon as that request has ended however
// it ends.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { nodeFetch, POOL_IDLE_MS } from '../../../src/core/nodeFetch';
import { close, rejection, serve } from '../../support/loopbackHttp';

/** A loopback server that would keep an idle connection for a minute: only the client closes it sooner. */
async function serveKeepingAlive(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const served = await serve(handler);
  served.server.keepAliveTimeout = 60_000;
  return served;
}

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

/** Waits (bounded) until the server holds no connection; returns how many it still holds. */
async function untilNoConnection(server: Server, withinMs: number): Promise<number> {
  const until = Date.now() + withinMs;
  let count = await connections(server);
  while (count > 0 && Date.now() < until) {
    await delay(100);
    count = await connections(server);
  }
  return count;
}

test('a live answer silent for longer than the pool\'s idle time is read whole; the idle socket is then closed', { timeout: 60_000 }, async () => {
  const silence = POOL_IDLE_MS + 1_500;
  const { url, server } = await serveKeepingAlive((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: one\n\n');
    setTimeout(() => res.end('event: two\n\n'), silence);
  });
  try {
    const started = Date.now();
    const response = await nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}' });
    assert.equal(await response.text(), 'event: one\n\nevent: two\n\n');
    assert.ok(Date.now() - started >= silence - 100, 'the answer took its time');
    // Kept alive for the next request, then closed by the client well before the server's minute.
    assert.equal(await untilNoConnection(server, POOL_IDLE_MS * 5), 0);
  } finally {
    await close(server);
  }
});

test('a signal reused for many requests gets one listener per request, gone when it ends', { timeout: 60_000 }, async () => {
  const holds: ServerResponse[] = [];
  let badBodiesClosed = 0;
  const { url, server } = await serveKeepingAlive((req, res) => {
    if (req.url === '/held') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\n\n');
      holds.push(res);
      return;
    }
    if (req.url === '/broken') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: one\n\n', () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    if (req.url === '/bad-gzip') {
      res.socket?.once('close', () => (badBodiesClosed += 1));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.write(gzipSync('{"ok":true}').subarray(0, 12));
      res.write(Buffer.from('not gzip at all'));
      return;
    }
    if (req.url === '/empty') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (req.url === '/gzip') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"ok":true}'));
      return;
    }
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  const controller = new AbortController();
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  let added = 0;
  signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>): void => {
    added += 1;
    add(...args);
  };
  const listeners = (): number => getEventListeners(signal, 'abort').length;
  let requests = 0;
  const fetchWith = (path: string, init: RequestInit = {}): Promise<Response> => {
    requests += 1;
    return nodeFetch(`${url}${path}`, { ...init, signal });
  };
  try {
    for (let round = 0; round < 3; round += 1) {
      assert.deepEqual(await (await fetchWith('/ok')).json(), { ok: true });
      assert.deepEqual(await (await fetchWith('/gzip')).json(), { ok: true });
      assert.equal((await fetchWith('/missing')).status, 404);
      assert.equal((await fetchWith('/empty')).status, 204);
      assert.equal((await fetchWith('/ok', { method: 'HEAD' })).status, 200);
      assert.equal(((await rejection((await fetchWith('/broken')).text())) as Error).message, 'terminated');
      assert.ok((await rejection((await fetchWith('/bad-gzip')).text())) instanceof TypeError);

      // While a body is being read its request holds exactly one listener; cancelling ends it.
      const held = await fetchWith('/held');
      const reader = held.body!.getReader();
      await reader.read();
      assert.equal(listeners(), 1);
      await reader.cancel();
      assert.equal(listeners(), 0);
    }
    // No server: the request ends without an answer.
    const refused = createServer();
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const refusedUrl = `http://127.0.0.1:${(refused.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => refused.close(() => resolve()));
    requests += 1;
    assert.equal(((await rejection(nodeFetch(refusedUrl, { signal }))) as Error).message, 'fetch failed');

    // A small body nobody reads still ends its request (it arrives whole).
    await fetchWith('/ok');
    await delay(50);
    assert.equal(listeners(), 0);
    assert.equal(added, requests, 'one abort listener per request');
    // A body that cannot be decoded closes its socket (nothing on it can be reused).
    for (let waited = 0; badBodiesClosed < 3 && waited < 100; waited += 1) await delay(100);
    assert.equal(badBodiesClosed, 3);
    for (const res of holds) res.end();
    assert.equal(signal.aborted, false);
  } finally {
    await close(server);
  }
});

test('an abort still reaches the request it belongs to, and only that one', { timeout: 30_000 }, async () => {
  const { url, server } = await serveKeepingAlive((req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: one\n\n');
    if (req.url === '/short') res.end();
  });
  try {
    const controller = new AbortController();
    const done = await nodeFetch(`${url}/short`, { signal: controller.signal });
    assert.equal(await done.text(), 'event: one\n\n');
    const open = await nodeFetch(`${url}/open`, { signal: controller.signal });
    const reader = open.body!.getReader();
    await reader.read();
    const reason = new DOMException('stopped', 'AbortError');
    controller.abort(reason);
    assert.equal(await rejection(reader.read()), reason);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    assert.equal(await untilNoConnection(server, 10_000), 0, 'the aborted answer\'s socket is closed');
  } finally {
    await close(server);
  }
});
