// A gateway key that does not look like a key ("gw-xyz-123456") is scrubbed everywhere:
// the gateway (a fake on 127.0.0.1) echoes it in a malformed SSE data line — which the SDK
// logs with its logger — and in error messages; it must reach none of the SDK log lines,
// stderr, console output, events, outcomes, the history file or the escalation report.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import type { HistoryStorage } from '../../../src/core/history/historyTypes';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { createRequestManager } from '../../../src/core/requestManager';
import { setSdkLogSink } from '../../../src/core/sdkLog';
import type { ManagerEvent } from '../../../src/core/types';
import { ASK, OPUS, testConfig } from './harness';

const GATEWAY_KEY = 'gw-xyz-123456';

/** Answers each request with the next of: a stream whose data line is not JSON, a 401, a 500 — each echoing the key. */
async function leakyGateway(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits += 1;
      const kind = (hits - 1) % 3;
      res.setHeader('request-id', `req_gateway_${hits}`);
      if (kind === 0) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(`event: message_start\ndata: {not json, key ${GATEWAY_KEY}\n\n`);
        return;
      }
      const status = kind === 1 ? 401 : 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message: `gateway refused key ${GATEWAY_KEY} for this route` } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

class MemoryStorage implements HistoryStorage {
  data: string | undefined;
  async read(): Promise<string | undefined> {
    return this.data;
  }
  async write(data: string): Promise<void> {
    this.data = data;
  }
  async setAside(): Promise<void> {
    this.data = undefined;
  }
}

function assertClean(where: string, text: string): void {
  assert.ok(!text.includes(GATEWAY_KEY), `${where} contains the gateway key:\n${text.slice(0, 2_000)}`);
  assert.ok(!text.includes('xyz-123456'), `${where} contains part of the gateway key`);
}

test('a gateway key of any shape never reaches the log, stderr, errors, the history or the report', { timeout: 30_000 }, async () => {
  const gateway = await leakyGateway();
  const logLines: string[] = [];
  const restoreSink = setSdkLogSink((level, line) => logLines.push(`${level} ${line}`));
  const stderr: string[] = [];
  const writeStderr = process.stderr.write.bind(process.stderr);
  const consoleError = console.error;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  console.error = (...args: unknown[]) => stderr.push(args.map(String).join(' '));

  const storage = new MemoryStorage();
  const history = createHistory({ storage });
  await history.load();
  const events: ManagerEvent[] = [];
  const outcomes: unknown[] = [];
  const manager = createRequestManager({
    ...testConfig(gateway.url),
    models: [OPUS],
    providers: [{ id: 'anthropic', baseURL: gateway.url, apiKey: () => GATEWAY_KEY }],
  });
  manager.onEvent((event) => {
    events.push(event);
    history.record(event);
  });
  try {
    for (let i = 0; i < 3; i += 1) outcomes.push(await manager.send(ASK));
    const stream = manager.stream(ASK);
    for await (const delta of stream) void delta;
    outcomes.push(await stream.outcome);
  } finally {
    manager.dispose();
    restoreSink();
    process.stderr.write = writeStderr;
    console.error = consoleError;
    await gateway.close();
  }

  assert.ok(gateway.hits() >= 3, 'the gateway answered every kind of response');
  assert.ok(
    logLines.some((line) => line.startsWith('error Could not parse message into JSON') && line.includes('[redacted]')),
    `the SDK's parse failure went through the redacting log:\n${logLines.join('\n')}`,
  );
  assertClean('the SDK log', logLines.join('\n'));
  assertClean('stderr and console.error', stderr.join('\n'));
  assertClean('events', JSON.stringify(events));
  assertClean('outcomes', JSON.stringify(outcomes));
  assert.ok(outcomes.some((o) => JSON.stringify(o).includes('[redacted]')), 'the echoed key was scrubbed, not merely absent');
  await history.flush();
  assertClean('the history file', storage.data ?? '');
  assertClean('the history snapshot', JSON.stringify(history.snapshot()));
  const report = buildEscalationReport({
    history,
    windowMs: 3_600_000,
    now: Date.now(),
    versions: { extension: 'test', sdk: 'test', vscode: 'test', os: 'test' },
    breakers: manager.breakers(),
  });
  assert.ok(report.includes('gateway refused key'), 'the report lists the failures');
  assertClean('the escalation report', report);
});
