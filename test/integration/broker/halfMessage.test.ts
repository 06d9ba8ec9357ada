// A broker that dies in the middle of a message (killed between a frame's header and its body,
// or part way through the body) must not keep its client's process alive. vscode-jsonrpc's reader
// re-armed a 10 s "partial message" timer for as long as the message stayed half read, forever
// once the socket had closed: `ask --broker` printed its answer and never exited (and a test
// process whose broker was killed mid-message sat until its stage's time limit).
// The broker here is a stand-in on the runtime folder's socket that proves itself with the
// folder's key, as a broker does, then dies mid-message when the request arrives.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { createBrokerKey, proofFor } from '../../../src/broker/peerProof';
import { AttachRequest, BROKER_PROTOCOL_VERSION, PartNotification, StreamRequest } from '../../../src/broker/protocol';
import { brokerSocketPath, ensurePrivateRuntimeDir } from '../../../src/broker/runtimeDir';
import { startSimulator } from '../../../src/simulator/index';
import type { RunningSimulator } from '../../../src/simulator/index';
import { OPUS, TEST_KEY, scenario } from '../core/harness';
import { brokerEnv, cleanUp, eventually, json, requireBuild, runtimeDir, startAsk } from './brokerKit';

const PROMPT = 'does a half message hold the client';

interface Frame {
  readonly id?: number;
  readonly method?: string;
  readonly params?: { readonly initializationOptions?: { readonly challenge?: string } };
}

/** Whole frames from `buffer` (Content-Length framing); returns what is left over. */
function takeFrames(buffer: Buffer, onFrame: (frame: Frame) => void): Buffer {
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return buffer;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return buffer;
    onFrame(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()) as Frame);
    buffer = buffer.subarray(end + 4 + length);
  }
}

function send(socket: Socket, message: object): void {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** What the dying broker writes last: a part notification cut after `cut` (a header only, or part of the body). */
type Cut = 'after the header' | 'inside the body';

/** A broker on `dir`'s socket that answers the handshake and attach, and dies mid-message on the request. */
async function dyingBroker(dir: string, cut: Cut): Promise<{ readonly server: Server; readonly requests: () => number }> {
  const runtime = ensurePrivateRuntimeDir(dir);
  const key = createBrokerKey(runtime);
  let requests = 0;
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = takeFrames(Buffer.concat([buffer, chunk]), (frame) => {
        if (frame.id === undefined) return;
        if (frame.method === 'initialize') {
          const challenge = frame.params?.initializationOptions?.challenge ?? '';
          const broker = { pid: process.pid, protocolVersion: BROKER_PROTOCOL_VERSION, startedAt: Date.now(), clients: { windows: 0, clis: 1 } };
          send(socket, { id: frame.id, result: { capabilities: {}, broker, proof: proofFor(key, challenge) } });
        } else if (frame.method === AttachRequest.method) {
          send(socket, { id: frame.id, result: { managerId: 'm_dying', breakers: [], clients: { windows: 0, clis: 1 }, problems: [] } });
        } else if (frame.method === StreamRequest.method) {
          requests += 1;
          const body = JSON.stringify({ jsonrpc: '2.0', method: PartNotification.method, params: { requestId: frame.id, part: 'x'.repeat(200) } });
          socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${cut === 'inside the body' ? body.slice(0, 60) : ''}`, () => socket.destroy());
        } else {
          send(socket, { id: frame.id, result: null });
        }
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(brokerSocketPath(runtime), resolve);
  });
  return { server, requests: () => requests };
}

let sim: RunningSimulator;
const dirs: string[] = [];

before(async () => {
  requireBuild();
  sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
});

after(async () => {
  await sim?.close();
  for (const dir of dirs) await cleanUp(dir);
});

describe('a broker dying in the middle of a message', { timeout: 120_000 }, () => {
  for (const cut of ['after the header', 'inside the body'] as const) {
    test(`cut ${cut}: ask answers in-process and its process ends`, async () => {
      const dir = runtimeDir();
      dirs.push(dir);
      const broker = await dyingBroker(dir, cut);
      try {
        // Generous: the old reader's timer never let the process end at all.
        const asking = startAsk(['--broker', '--json', '--base-url', sim.url, PROMPT], brokerEnv(dir), 60_000);
        assert.ok(await eventually(() => asking.stdout().includes('"ok"'), 40_000), 'the answer was printed');
        const result = await asking.done;
        assert.equal(result.code, 0, `ask ended by itself (exit ${result.code}): ${result.stderr}`);
        const answer = json(result);
        assert.equal(answer.ok, true);
        assert.equal(answer.model, OPUS);
        assert.equal(broker.requests(), 1, 'the request went to the broker first');
      } finally {
        await new Promise<void>((resolve) => broker.server.close(() => resolve()));
      }
    });
  }
});
