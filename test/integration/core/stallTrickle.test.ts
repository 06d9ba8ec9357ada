// Liveness is complete events, not bytes: over loopback HTTP through the real SDK, a raw
// server that trickles one junk byte every half second and never completes an event is cut
// at the idle limit (before content) or at the stall floor (once content flowed) — not waited
// on until the request's deadline — while one that sends a complete `ping` event as often is
// waited on until it answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestManager } from '../../../src/core/requestManager';
import { DEFAULT_TAIL } from '../../../src/core/defaults';
import type { ManagerEvent } from '../../../src/core/types';
import { sseAnswer } from './faultServer';
import { ASK, OPUS, SONNET, testConfig } from './harness';

const IDLE_MS = 1_500;
const FLOOR_MS = 1_000;
const DEADLINE_MS = 15_000;
const TRICKLE_MS = 500;

type Behaviour = 'junk' | 'content-then-junk' | 'pings-then-answer' | 'answer';

interface Connection {
  readonly model: string;
  readonly behaviour: Behaviour;
  readonly openedAt: number;
  closedAt: number | null;
  bytesSent: number;
}

/** Writes `piece` every TRICKLE_MS until the client goes, or `stopAfterMs` has passed (then `then`). */
function trickle(res: ServerResponse, connection: Connection, piece: string, stopAfterMs: number | null, then: () => void): void {
  const timer = setInterval(() => {
    if (stopAfterMs !== null && Date.now() - connection.openedAt >= stopAfterMs) {
      clearInterval(timer);
      then();
      return;
    }
    res.write(piece);
    connection.bytesSent += Buffer.byteLength(piece);
  }, TRICKLE_MS);
  res.on('close', () => clearInterval(timer));
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_trickle' });
  res.flushHeaders();
}

async function startTrickleServer(behaviourOf: (model: string, index: number) => Behaviour) {
  const connections: Connection[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const model = (JSON.parse(body) as { model: string }).model;
      const behaviour = behaviourOf(model, connections.length);
      const connection: Connection = { model, behaviour, openedAt: Date.now(), closedAt: null, bytesSent: 0 };
      connections.push(connection);
      res.on('close', () => (connection.closedAt = Date.now()));
      sseHead(res);
      if (behaviour === 'answer') {
        sseAnswer(res, 'from the raw server');
        return;
      }
      if (behaviour === 'junk') {
        trickle(res, connection, 'x', null, () => undefined);
      } else if (behaviour === 'content-then-junk') {
        res.write(`event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_t', type: 'message', role: 'assistant', model, content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 1 } } })}\n\n`);
        res.write(`event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`);
        res.write(`event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } })}\n\n`);
        // Field-looking bytes, a comment and blank lines: none of it completes an event.
        let step = 0;
        const pieces = ['data: {"type":"content_bl', ':', ' keep-alive\n', '\n', 'x'];
        const timer = setInterval(() => {
          const piece = pieces[Math.min(step++, pieces.length - 1)]!;
          res.write(piece);
          connection.bytesSent += piece.length;
        }, TRICKLE_MS);
        res.on('close', () => clearInterval(timer));
      } else {
        const ping = `event: ping\ndata: ${JSON.stringify({ type: 'ping' })}\n\n`;
        trickle(res, connection, ping, 3_000, () => sseAnswer(res, 'after the pings'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function managerFor(url: string) {
  // No hedge: these tests are about the watchdog alone.
  const config = testConfig(url, {
    models: [OPUS, SONNET],
    idleTimeoutMs: IDLE_MS,
    headersTimeoutMs: 5_000,
    retry: { ...testConfig(url).retry, deadlineMs: DEADLINE_MS },
    tail: { ...DEFAULT_TAIL, hedge: false, stallFloorMs: FLOOR_MS },
  });
  const manager = createRequestManager(config);
  const events: ManagerEvent[] = [];
  manager.onEvent((e) => events.push(e));
  return { manager, events };
}

test('a trickle of junk bytes before any event is cut at the idle limit, and the fallback answers long before the deadline', { timeout: 40_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const server = await startTrickleServer((model) => (model === OPUS ? 'junk' : 'answer'));
  const { manager, events } = managerFor(server.url);
  try {
    const started = Date.now();
    const outcome = await manager.send(ASK);
    const elapsed = Date.now() - started;
    assert.ok(outcome.ok && outcome.model === SONNET && outcome.text === 'from the raw server', JSON.stringify(outcome));
    const junk = server.connections.filter((c) => c.behaviour === 'junk');
    assert.ok(junk.length >= 1);
    for (const c of junk) {
      assert.ok(c.closedAt !== null, 'the client hung up');
      const heldMs = c.closedAt - c.openedAt;
      // Cut at the idle limit, not waited on: a loaded machine may add a few seconds, never the deadline's 15.
      assert.ok(heldMs >= 400 && heldMs < IDLE_MS + 3_500, `a junk connection was held ${heldMs} ms`);
    }
    assert.ok(junk.some((c) => c.bytesSent >= 1), 'junk bytes did arrive before the cut');
    assert.ok(elapsed < DEADLINE_MS / 2, `answered in ${elapsed} ms`);
    assert.ok(events.some((e) => e.type === 'stall' && e.model === OPUS && e.phase === 'first_token'));
    assert.ok(outcome.attempts.some((a) => a.model === OPUS && a.errorClass === 'timeout'), JSON.stringify(outcome.attempts));
  } finally {
    manager.dispose();
    await server.close();
  }
});

test('junk bytes after content flowed are no sign of life: cut at the stall floor and the answer continued', { timeout: 40_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const server = await startTrickleServer((_, index) => (index === 0 ? 'content-then-junk' : 'answer'));
  const { manager, events } = managerFor(server.url);
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(outcome.text.startsWith('Hello'), outcome.text);
    const first = server.connections[0]!;
    assert.ok(first.closedAt !== null && first.bytesSent > 0);
    const heldMs = first.closedAt - first.openedAt;
    assert.ok(heldMs >= FLOOR_MS && heldMs < FLOOR_MS + 4_000, `the stalled stream was held ${heldMs} ms`);
    assert.ok(events.some((e) => e.type === 'stall' && e.phase === 'mid_stream'));
  } finally {
    manager.dispose();
    await server.close();
  }
});

test('complete ping events every half second are liveness: a 3 s wait past the idle limit is not cut', { timeout: 40_000 }, async () => {
  await import('@anthropic-ai/sdk');
  const server = await startTrickleServer(() => 'pings-then-answer');
  const { manager, events } = managerFor(server.url);
  try {
    const outcome = await manager.send(ASK);
    assert.ok(outcome.ok && outcome.model === OPUS && outcome.text === 'after the pings', JSON.stringify(outcome));
    assert.equal(server.connections.length, 1, 'one attempt: never cut');
    assert.ok(!events.some((e) => e.type === 'stall'));
  } finally {
    manager.dispose();
    await server.close();
  }
});
