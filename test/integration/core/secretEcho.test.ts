// A gateway key that does not look like a key, echoed back by a misbehaving server
// in the request-id header, the error type and a broken SSE data line, is found
// nowhere: not in events, outcomes, the history file, the escalation report, the
// log or stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequestManager } from '../../../src/core/requestManager';
import type { ManagerEvent, Outcome } from '../../../src/core/types';
import { createHistory } from '../../../src/core/history/createHistory';
import { createFileHistoryStorage } from '../../../src/core/history/fileHistoryStorage';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { systemClock } from '../../../src/core/clock';
import { ASK, OPUS, SONNET, testConfig } from './harness';
import { startFaultServer } from './faultServer';

const GATEWAY_KEY = 'gw-SECRETECHO-4242-abcdef';

function captureOutput(): { text: () => string; restore: () => void } {
  let captured = '';
  const writes = [process.stderr, process.stdout].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return () => {
      stream.write = original as typeof stream.write;
    };
  });
  return { text: () => captured, restore: () => writes.forEach((restore) => restore()) };
}

test('a server echoing the key into request-id, error.type and an SSE data line leaks it nowhere', { timeout: 60_000 }, async () => {
  const server = await startFaultServer([
    { kind: 'error', status: 529, headers: { 'request-id': '{{credential}}' }, body: { type: 'error', error: { type: '{{credential}}', message: 'overloaded for {{credential}}' } } },
    { kind: 'sse', text: 'partial ', rawLine: '{"type":"content_block_delta","leak":"{{credential}}"' },
    { kind: 'error', status: 500, headers: { 'request-id': 'req_{{credential}}' }, body: { type: 'error', error: { type: 'api_error', message: 'key {{credential}} is wrong' } } },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'rc-echo-'));
  const output = captureOutput();
  const history = createHistory({ storage: createFileHistoryStorage(join(dir, 'history.json')), clock: systemClock });
  const manager = createRequestManager({
    ...testConfig(server.url),
    models: [OPUS, SONNET],
    providers: [{ id: 'anthropic', baseURL: server.url, apiKey: () => GATEWAY_KEY }],
  });
  const events: ManagerEvent[] = [];
  manager.onEvent((e) => {
    events.push(e);
    history.record(e);
  });
  const outcomes: Outcome[] = [];
  try {
    outcomes.push(await manager.send(ASK));
    const stream = manager.stream(ASK);
    for await (const delta of stream) void delta;
    outcomes.push(await stream.outcome);
    await history.flush();
    const report = buildEscalationReport({ history, windowMs: 3_600_000, now: Date.now(), versions: { extension: 'test', sdk: 'test', vscode: 'test', os: 'test' }, breakers: manager.breakers() });
    const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    output.restore();
    assert.ok(server.calls.length >= 3, 'the server saw the requests');
    const attempts = outcomes.flatMap((o) => o.attempts);
    assert.ok(attempts.some((a) => a.status === 529 && a.requestId === null && a.errorType === 'unrecognised_error'), 'echoed id and type were refused');
    assert.ok(attempts.some((a) => a.status === 500 && a.requestId === null), 'an id carrying the key was refused');
    for (const [where, text] of [
      ['events', JSON.stringify(events)],
      ['outcomes', JSON.stringify(outcomes)],
      ['history file', files],
      ['report', report],
      ['log and stderr', output.text()],
    ] as const) {
      assert.ok(!text.includes(GATEWAY_KEY), `${where} contain the key`);
      assert.ok(!text.includes('SECRETECHO'), `${where} contain part of the key`);
    }
  } finally {
    output.restore();
    manager.dispose();
    await history.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
