// A body nobody can read any more ends its request (nodeFetch.ts), as Node's own fetch releases one
// when it is collected: on a real loopback server that streams slowly and never ends, a Response
// dropped unread — or its body stream, taken and dropped — is collected and the server sees its
// socket close; a body being read, or a stream still held, is never cut, whoever holds the
// Response. The same through the SDK: a streamed answer nobody iterates.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Anthropic from '@anthropic-ai/sdk';
import { nodeFetch } from '../../../src/core/nodeFetch';
import { close, serve } from '../../support/loopbackHttp';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A server whose every answer streams an event every 100 ms and never ends; counts closed sockets. */
async function endlessServer(): Promise<{ url: string; closed: () => number; stop: () => Promise<void> }> {
  let closed = 0;
  const timers = new Set<NodeJS.Timeout>();
  const { url, server } = await serve((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_endless' });
    res.write('event: ping\ndata: {"type":"ping"}\n\n');
    const timer = setInterval(() => res.write('event: ping\ndata: {"type":"ping"}\n\n'), 100);
    timers.add(timer);
    req.socket.once('close', () => {
      clearInterval(timer);
      timers.delete(timer);
      closed += 1;
    });
  });
  server.keepAliveTimeout = 60_000;
  return {
    url,
    closed: () => closed,
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await close(server);
    },
  };
}

/** Collects garbage and waits (bounded, polling) until `done`; returns whether it came. */
async function collectUntil(done: () => boolean, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (!done() && Date.now() < until) {
    collectGarbage();
    await delay(50);
  }
  return done();
}

/** Sends a request and lets its Response go unread (nothing here keeps it). */
async function fetchAndDrop(url: string): Promise<void> {
  const response = await nodeFetch(`${url}/v1/messages`, { method: 'POST', body: '{}' });
  assert.equal(response.status, 200);
}

test('a Response dropped unread is collected and its socket closed', { timeout: 60_000 }, async () => {
  const server = await endlessServer();
  try {
    await fetchAndDrop(server.url);
    await fetchAndDrop(server.url);
    assert.ok(await collectUntil(() => server.closed() === 2, 20_000), `closed ${server.closed()} of 2 sockets`);
  } finally {
    await server.stop();
  }
});

test('a body stream taken from its Response and dropped unread closes its socket too', { timeout: 60_000 }, async () => {
  const server = await endlessServer();
  try {
    let body: ReadableStream<Uint8Array> | null = (await nodeFetch(server.url)).body;
    assert.ok(body !== null);
    body = null;
    assert.ok(await collectUntil(() => server.closed() === 1, 20_000), 'the socket was closed');
  } finally {
    await server.stop();
  }
});

test('a body being read is never cut, though nothing holds its Response or the reader', { timeout: 60_000 }, async () => {
  const server = await endlessServer();
  const seen = { chunks: 0 };
  try {
    // The reader's loop is held only by the read it awaits: the socket that brings the next chunk.
    const startReading = async (): Promise<void> => {
      const reader = (await nodeFetch(server.url)).body!.getReader();
      void (async () => {
        for (let step = await reader.read(); !step.done; step = await reader.read()) seen.chunks += 1;
      })().catch(() => undefined); // broken off when the server stops
    };
    await startReading();
    // A stream not yet read but still held by its taker (the Response dropped) is not cut either.
    const kept = (await nodeFetch(server.url)).body!;
    const before = seen.chunks;
    // Collect repeatedly for a while: the reading goes on and no socket closes.
    assert.equal(await collectUntil(() => seen.chunks >= before + 10 || server.closed() > 0, 20_000), true);
    for (let round = 0; round < 5; round += 1) {
      collectGarbage();
      await delay(100);
    }
    assert.equal(server.closed(), 0, 'no socket was closed');
    const more = seen.chunks;
    assert.ok(await collectUntil(() => seen.chunks > more, 10_000), 'the body is still being read');
    const first = await kept.getReader().read();
    assert.match(Buffer.from(first.value!).toString('utf8'), /^event: ping/);
  } finally {
    await server.stop();
  }
});

test('through the SDK: a streamed answer nobody iterates closes its socket once dropped', { timeout: 60_000 }, async () => {
  const server = await endlessServer();
  const client = new Anthropic({ apiKey: 'sk-ant-test-dropped', baseURL: server.url, fetch: nodeFetch, maxRetries: 0 });
  try {
    const startAndDrop = async (): Promise<void> => {
      const stream = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], stream: true });
      assert.equal(typeof stream.controller.abort, 'function');
    };
    await startAndDrop();
    assert.ok(await collectUntil(() => server.closed() === 1, 20_000), 'the socket was closed');
  } finally {
    await server.stop();
  }
});
