import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FramingError, MessageFramer } from '../../../src/broker/messageFraming';

function frame(json: string, extraHeaders = ''): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n${extraHeaders}\r\n`, 'latin1'), body]);
}

const LIMITS = { maxHeaderBytes: 256, maxMessageBytes: 1024 };

describe('message framing with limits', () => {
  it('reads the same messages however the bytes are cut', () => {
    const messages = ['{"jsonrpc":"2.0","id":1,"method":"initialize"}', '{"a":"ünïcödé \\r\\n\\r\\n inside"}', '{}'];
    const stream = Buffer.concat([frame(messages[0]!), frame(messages[1]!, 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n'), frame(messages[2]!)]);
    for (let size = 1; size <= stream.length; size += 1) {
      const framer = new MessageFramer(LIMITS);
      const bodies: string[] = [];
      for (let at = 0; at < stream.length; at += size) bodies.push(...framer.push(stream.subarray(at, at + size)).map((b) => b.toString('utf8')));
      assert.deepEqual(bodies, messages, `cut every ${size} bytes`);
    }
  });

  it('refuses a header longer than the limit as soon as it is, whatever comes after', () => {
    const framer = new MessageFramer(LIMITS);
    assert.deepEqual(framer.push(Buffer.from('Content-Length: 2\r\nX-Junk: ')), []);
    assert.throws(() => framer.push(Buffer.alloc(1024 * 1024, 0x61)), FramingError);
  });

  it('refuses a declared length over the limit before reading any of it', () => {
    assert.throws(() => new MessageFramer(LIMITS).push(Buffer.from('Content-Length: 2147483648\r\n\r\n')), /2147483648 bytes/);
    assert.throws(() => new MessageFramer(LIMITS).push(Buffer.from('Content-Length: 1025\r\n\r\n')), FramingError);
    assert.deepEqual(new MessageFramer(LIMITS).push(frame(`"${'x'.repeat(1022)}"`)).length, 1);
  });

  it('refuses a frame without a usable Content-Length', () => {
    for (const header of ['Content-Type: text/plain\r\n\r\n{}', 'Content-Length: -1\r\n\r\n', 'Content-Length: 1e3\r\n\r\n', 'no colon here\r\n\r\n', 'Content-Length: 99999999999999999999\r\n\r\n']) {
      assert.throws(() => new MessageFramer(LIMITS).push(Buffer.from(header)), FramingError, header);
    }
  });

  it('looks at each byte about once: a 16 MB body in small chunks and 16 MB of endless header cost little', () => {
    const framer = new MessageFramer({ maxHeaderBytes: 8 * 1024, maxMessageBytes: 32 * 1024 * 1024 });
    const size = 16 * 1024 * 1024;
    framer.push(Buffer.from(`Content-Length: ${size}\r\n\r\n`));
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let bodies: Buffer[] = [];
    const started = process.cpuUsage();
    for (let sent = 0; sent < size; sent += chunk.length) bodies = bodies.concat(framer.push(chunk));
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0]!.length, size);
    // A rescan per chunk would look at ~8 GB here; one pass is a few ms. Generous for a loaded machine.
    assert.ok(cpuMs < 2_000, `${cpuMs} ms of CPU`);
  });
});
