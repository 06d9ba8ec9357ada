// The client of a failed attempt ("Claude Code 2.1.3", "curl 8.5.0", "VS Code"): kept in the
// failure log and its file, read back from files written before the field existed, shown in the
// panel's rows and the escalation report, carried across the broker — and never a credential.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStreamParams } from '../../../src/broker/protocol';
import { createHistory } from '../../../src/core/history/createHistory';
import { HISTORY_FORMAT, HISTORY_FORMAT_VERSION } from '../../../src/core/history/historyFormat';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { MAX_CLIENT_CHARS, safeClientLabel } from '../../../src/core/requestClient';
import { buildPanelSnapshot } from '../../../src/extension/diagnostics/panelSnapshot';
import { attempt, MemoryStorage, MINUTE, overloaded, T0 } from './historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 10_000 };
const KEY = 'sk-ant-api03-client-label-secret-0123456789';
const VERSIONS = { extension: '0.1.0', sdk: '1.12.0' };

/** A stored failure as an older version wrote it: no `client`. */
function oldFailure(requestId: string): Record<string, unknown> {
  return { time: T0 + MINUTE, provider: 'anthropic', model: 'claude-opus-5-5', attempt: 1, status: 529, errorClass: 'overloaded', errorType: 'overloaded_error', requestId, clientRequestId: 'rc_old', message: 'Overloaded' };
}

function storedFile(failures: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ format: HISTORY_FORMAT, version: HISTORY_FORMAT_VERSION, savedAt: T0 + MINUTE, writer: 'old', bucketMs: MINUTE, buckets: {}, failures });
}

describe('safeClientLabel', () => {
  it('keeps a name and version, and cuts anything else to a plain label', () => {
    assert.equal(safeClientLabel('Claude Code 2.1.3'), 'Claude Code 2.1.3');
    assert.equal(safeClientLabel('  curl 8.5.0 '), 'curl 8.5.0');
    assert.equal(safeClientLabel('evil\r\nx-api-key: abc<script>'), 'evil x-api-key redacted');
    assert.equal(safeClientLabel(`SDK ${KEY}`), 'SDK redacted');
    assert.equal(safeClientLabel('x'.repeat(500))?.length, MAX_CLIENT_CHARS);
    for (const nothing of [undefined, null, 42, {}, '', '   ', '\u0000\u0007']) assert.equal(safeClientLabel(nothing), null, JSON.stringify(nothing));
  });
});

describe('the client of a failure in the history', () => {
  it('is recorded from the attempt, saved, and read back', OPTS, async () => {
    const clock = new FakeClock(T0 + 10 * MINUTE);
    const storage = new MemoryStorage();
    const first = createHistory({ storage, clock });
    await first.load();
    first.record(overloaded({ time: T0, client: 'Claude Code 2.1.3', requestId: 'req_cc' }));
    first.record(overloaded({ time: T0 + 1_000, requestId: 'req_none' }));
    first.record(attempt({ time: T0 + 2_000, client: 'curl 8.5.0' }));
    await first.flush();
    await first.dispose();
    assert.match(storage.data ?? '', /"client":"Claude Code 2\.1\.3"/);

    const second = createHistory({ storage, clock });
    await second.load();
    const byId = new Map(second.failures().map((f) => [f.requestId, f.client]));
    assert.deepEqual([...byId], [['req_none', null], ['req_cc', 'Claude Code 2.1.3']]);
    assert.equal(second.snapshot({ sinceMs: 0 }).failures.find((f) => f.requestId === 'req_cc')?.client, 'Claude Code 2.1.3', 'the JSON export (a snapshot) carries it');
    await second.dispose();
  });

  it('loads a file written before the field existed, every failure kept, the client unknown', OPTS, async () => {
    const storage = new MemoryStorage(storedFile([oldFailure('req_a'), oldFailure('req_b')]));
    const history = createHistory({ storage, clock: new FakeClock(T0 + 10 * MINUTE) });
    assert.deepEqual(await history.load(), { status: 'loaded', buckets: 0, failures: 2 });
    assert.deepEqual(history.failures().map((f) => [f.requestId, f.client]).sort(), [['req_a', null], ['req_b', null]]);
    assert.deepEqual(storage.setAsideReasons, []);
    await history.dispose();
  });

  it('drops a stored client that is no label, or cleans it, without setting the file aside', OPTS, async () => {
    const storage = new MemoryStorage(storedFile([{ ...oldFailure('req_obj'), client: { name: 'x' } }, { ...oldFailure('req_key'), client: `Script ${KEY}` }]));
    const history = createHistory({ storage, clock: new FakeClock(T0 + 10 * MINUTE) });
    assert.equal((await history.load()).status, 'loaded');
    const byId = new Map(history.failures().map((f) => [f.requestId, f.client]));
    assert.equal(byId.get('req_obj'), null);
    assert.equal(byId.get('req_key'), 'Script redacted');
    assert.ok(!JSON.stringify(history.failures()).includes(KEY));
    await history.dispose();
  });

  it('never keeps a credential a live attempt carried in its client', OPTS, async () => {
    const history = createHistory({ storage: new MemoryStorage(), clock: new FakeClock(T0 + MINUTE) });
    history.record(overloaded({ time: T0, client: `Bearer ${KEY}` }));
    assert.ok(!JSON.stringify(history.failures()).includes(KEY));
    await history.dispose();
  });
});

describe('the client where the user reads it', () => {
  const now = T0 + 10 * MINUTE;
  function history() {
    const h = createHistory({ storage: new MemoryStorage(), clock: new FakeClock(now) });
    h.record(overloaded({ time: now - 3 * MINUTE, client: 'Claude Code 2.1.3', requestId: 'req_cc' }));
    h.record(overloaded({ time: now - 2 * MINUTE, client: 'curl 8.5.0', requestId: 'req_curl' }));
    h.record(overloaded({ time: now - MINUTE, requestId: 'req_unknown' }));
    return h;
  }

  it('the escalation report lists the client of each failure, "—" when unknown', OPTS, async () => {
    const h = history();
    const report = buildEscalationReport({ history: h, windowMs: 15 * MINUTE, now, versions: VERSIONS });
    assert.match(report, /\| Time \| Client \| Model \| Provider \|/);
    const rowOf = (id: string): string => report.split('\n').find((line) => line.includes(id) && line.startsWith('|')) ?? '';
    assert.equal(rowOf('req_cc').split(' | ')[1], 'Claude Code 2.1.3');
    assert.equal(rowOf('req_curl').split(' | ')[1], 'curl 8.5.0');
    assert.equal(rowOf('req_unknown').split(' | ')[1], '—');
    await h.dispose();
  });

  it('the panel\'s failure rows carry it', OPTS, async () => {
    const h = history();
    const snapshot = buildPanelSnapshot({ window: '15m', now, history: h.snapshot({ sinceMs: now - 15 * MINUTE }), breakers: [], status: undefined, primaryModel: null });
    assert.deepEqual(snapshot.failures.map((f) => [f.requestId, f.client]), [['req_unknown', null], ['req_curl', 'curl 8.5.0'], ['req_cc', 'Claude Code 2.1.3']]);
    await h.dispose();
  });

  it('a broker request carries it as a plain label; one that is no label is dropped, not the request', () => {
    const base = { managerId: 'm_1', request: { messages: [] }, priority: 'interactive', clientRequestId: 'rc_1', secrets: [{ apiKey: 'k' }] };
    assert.equal(parseStreamParams({ ...base, client: 'Claude Code 2.1.3' })?.client, 'Claude Code 2.1.3');
    assert.equal(parseStreamParams({ ...base, client: 'a\nb' })?.client, 'a b');
    const dropped = parseStreamParams({ ...base, client: 7 });
    assert.ok(dropped);
    assert.equal(dropped.client, undefined);
    assert.equal(parseStreamParams(base)?.client, undefined);
    assert.equal(parseStreamParams({ ...base, namedModel: true })?.namedModel, true, 'a named model crosses the wire');
    assert.equal(parseStreamParams({ ...base, namedModel: 'yes' })?.namedModel, undefined);
    assert.deepEqual(parseStreamParams({ ...base, query: { beta: 'true' } })?.query, { beta: 'true' }, 'a query string crosses the wire');
    assert.equal(parseStreamParams({ ...base, query: { beta: 7 } })?.query, undefined, 'one that is no plain names and values is dropped, not the request');
  });
});
