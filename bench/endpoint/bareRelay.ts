// A reference for the endpoint's cost: the least an HTTP relay in its own process can add — it
// reads the client's request, sends it upstream as it came on a kept-alive connection, and copies
// the answer back byte for byte, with no manager, no SDK and no parsing. With `--hold-head` it
// holds the answer's head and first bytes until the first content event has arrived, as the
// endpoint does (a failure before the first content can still be answered with the upstream's
// status), so the client sets up its response on the first token's path.
//   node --import tsx bench/endpoint/bareRelay.ts UPSTREAM_URL [--hold-head]
// prints `Listening on http://127.0.0.1:PORT` like `serve` (a lane of relayAB.ts: cmd:<this file>).
import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

const upstream = new URL(process.argv[2] ?? '');
const holdHead = process.argv.includes('--hold-head');
const agent = new Agent({ keepAlive: true });

function relayAnswer(answer: IncomingMessage, res: ServerResponse): void {
  let held: Buffer[] | null = holdHead ? [] : null;
  if (held === null) res.writeHead(answer.statusCode ?? 502, answer.headers);
  answer.on('data', (chunk: Buffer) => {
    if (held === null) {
      res.write(chunk);
      return;
    }
    held.push(chunk);
    if (!chunk.includes('content_block_delta')) return;
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    res.write(Buffer.concat(held));
    held = null;
  });
  answer.on('end', () => {
    if (held !== null) {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.end(Buffer.concat(held));
    } else res.end();
  });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent }, (answer) => relayAnswer(answer, res));
    out.on('error', () => res.destroy());
    out.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object') process.stdout.write(`Listening on http://127.0.0.1:${address.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
