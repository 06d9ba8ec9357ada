// A fake broker for attack tests: a plain Node script (no project code, so another user can run
// it from a temp folder) that listens on a socket, records every byte it is sent, and answers
// the LSP handshake as a broker would — with a proof it cannot compute (it cannot read the
// user's private folder). `--swap LINK A B` also re-points LINK between A and B every 20 ms, as
// an attacker racing a client's retries would.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

const SCRIPT = String.raw`
const net = require('node:net');
const fs = require('node:fs');
const [socketPath, logPath, swap, link, a, b] = process.argv.slice(2);
fs.writeFileSync(logPath, '');
const server = net.createServer((socket) => {
  fs.appendFileSync(logPath, 'CONNECT\n');
  let buffer = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => {
    fs.appendFileSync(logPath, chunk);
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1] ?? 0);
      if (buffer.length < end + 4 + length) return;
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
      buffer = buffer.subarray(end + 4 + length);
      if (message.id === undefined) continue;
      const result = message.method === 'initialize'
        ? { capabilities: {}, broker: { pid: process.pid, protocolVersion: 2, startedAt: Date.now(), clients: { windows: 0, clis: 1 } }, proof: '0'.repeat(64) }
        : message.method === 'resilientClaude/attach'
          ? { managerId: 'm_fake', breakers: [], clients: { windows: 0, clis: 1 }, problems: [] }
          : null;
      const body = JSON.stringify({ jsonrpc: '2.0', id: message.id, result });
      socket.write('Content-Length: ' + Buffer.byteLength(body) + '\r\n\r\n' + body);
    }
  });
});
server.listen(socketPath, () => {
  try { fs.chmodSync(socketPath, 0o777); } catch {}
  fs.appendFileSync(logPath, 'LISTENING\n');
  if (swap === '--swap') {
    let toB = true;
    setInterval(() => {
      const fresh = link + '.next';
      try { fs.rmSync(fresh, { force: true }); fs.symlinkSync(toB ? b : a, fresh); fs.renameSync(fresh, link); } catch {}
      toB = !toB;
    }, 20);
  }
});
process.on('SIGTERM', () => process.exit(0));
`;

/** Writes the fake broker's script into `dir` (readable by everyone) and returns its path. */
export function writeFakeBroker(dir: string): string {
  const file = path.join(dir, 'fake-broker.cjs');
  writeFileSync(file, SCRIPT, { mode: 0o644 });
  return file;
}
