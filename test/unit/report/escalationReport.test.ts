import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import type { BreakerSnapshot } from '../../../src/core/types';
import { attempt, MemoryStorage, MINUTE, overloaded, T0 } from '../history/historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 10_000 };
const VERSIONS = { extension: '0.1.0', sdk: '1.12.0', vscode: '1.138.0', os: 'linux x64' };
const HOUR = 60 * MINUTE;

function section(report: string, heading: string): string {
  const start = report.indexOf(`## ${heading}`);
  assert.ok(start >= 0, `report has a "${heading}" section`);
  const next = report.indexOf('\n## ', start + 1);
  return report.slice(start, next === -1 ? undefined : next);
}

function tableRow(text: string, firstCell: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| ${firstCell} |`));
  assert.ok(line, `a table row for ${firstCell}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((cell) => cell.trim());
}

function busyHistory() {
  const clock = new FakeClock(T0 + 2 * HOUR);
  const history = createHistory({ storage: new MemoryStorage(), clock });
  // Outside the one-hour window: must not be counted or listed.
  history.record(overloaded({ time: T0 + 10 * MINUTE, requestId: 'req_too_old', clientRequestId: 'rc_too_old' }));
  // Inside the window.
  const inside = T0 + HOUR + 5 * MINUTE;
  for (let i = 0; i < 16; i += 1) history.record(attempt({ time: inside + i * 1_000, model: 'claude-opus-5-5' }));
  history.record(overloaded({ time: inside + 20_000, model: 'claude-opus-5-5', requestId: 'req_opus_1', clientRequestId: 'rc_1', attempt: 1 }));
  history.record(overloaded({ time: inside + 30_000, model: 'claude-opus-5-5', requestId: 'req_opus_2', clientRequestId: 'rc_1', attempt: 2 }));
  history.record(
    attempt({
      time: inside + 40_000,
      model: 'claude-opus-5-5',
      status: 429,
      errorClass: 'rate_limited',
      errorType: 'rate_limit_error',
      requestId: 'req_opus_429',
      clientRequestId: 'rc_2',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
    }),
  );
  history.record(
    attempt({
      time: inside + 50_000,
      model: 'claude-opus-5-5',
      status: 502,
      errorClass: 'transient',
      errorType: 'api_error',
      requestId: null,
      clientRequestId: 'rc_3',
    }),
  );
  history.record(attempt({ time: inside + 60_000, model: 'claude-sonnet-5-5', clientRequestId: 'rc_1', attempt: 3 }));
  history.record(
    attempt({
      time: inside + 70_000,
      model: 'claude-sonnet-5-5',
      status: null,
      errorClass: 'timeout',
      errorType: 'stall',
      requestId: null,
      clientRequestId: 'rc_4',
      message: 'The stream went idle for 30 s | retried',
    }),
  );
  return { clock, history };
}

describe('escalation report', () => {
  it('summarises each model in the window with counts and the 529 rate', OPTS, () => {
    const { clock, history } = busyHistory();
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS });
    assert.match(report, /^# Resilient Claude escalation report: 2026-11-20 01:00:00 UTC to 2026-11-20 02:00:00 UTC\n/);
    assert.match(report, /\*\*Window:\*\* 2026-11-20 01:00:00 UTC → 2026-11-20 02:00:00 UTC \(60 min\)/);
    const summary = section(report, 'Attempts per model');
    // Model, attempts, successes, 529, 529 rate, 429, 5xx, other
    assert.deepEqual(tableRow(summary, '`claude-opus-5-5`'), ['`claude-opus-5-5`', '20', '16', '2', '10.0 %', '1', '1', '0']);
    assert.deepEqual(tableRow(summary, '`claude-sonnet-5-5`'), ['`claude-sonnet-5-5`', '2', '1', '0', '0.0 %', '0', '0', '1']);
    assert.deepEqual(tableRow(summary, '**All models**'), ['**All models**', '22', '17', '2', '9.1 %', '1', '1', '1']);
  });

  it('lists failures with their request ids, most recent first, only from the window', OPTS, () => {
    const { clock, history } = busyHistory();
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS });
    const failures = section(report, 'Failed attempts');
    assert.ok(!report.includes('req_too_old'), 'a failure from before the window is not listed');
    const order = ['rc_4', 'rc_3', 'req_opus_429', 'req_opus_2', 'req_opus_1'].map((id) => failures.indexOf(id));
    assert.ok(order.every((pos) => pos > 0), 'every failure in the window is listed');
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'most recent first');
    const row = tableRow(failures, '2026-11-20 01:05:20 UTC');
    assert.deepEqual(row, [
      '2026-11-20 01:05:20 UTC',
      '—',
      '`claude-opus-5-5`',
      'anthropic',
      '1',
      '529',
      'overloaded',
      '`overloaded_error`',
      '`req_opus_1`',
      '`rc_1`',
      'Overloaded',
    ]);
    // A message with a pipe cannot break the table.
    assert.match(failures, /The stream went idle for 30 s \\\| retried/);
    // The server ids again as a plain list support can paste into their tools.
    assert.match(failures, /```text\nreq_opus_429\nreq_opus_2\nreq_opus_1\n```/);
  });

  it('caps the failure list and says how many were omitted', OPTS, () => {
    const clock = new FakeClock(T0 + HOUR);
    const history = createHistory({ storage: new MemoryStorage(), clock });
    for (let i = 0; i < 250; i += 1) history.record(overloaded({ time: T0 + i * 1_000, requestId: `req_n${i}` }));
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS });
    assert.ok(report.includes('`req_n249`'));
    assert.ok(report.includes('`req_n50`'));
    assert.ok(!report.includes('`req_n49`'));
    assert.match(report, /50 older failures in this window omitted \(the 200 most recent are listed\)/);
  });

  it('says when failures counted in the window are no longer in the failure log', OPTS, () => {
    const clock = new FakeClock(T0 + HOUR);
    const history = createHistory({ storage: new MemoryStorage(), clock, maxFailures: 10 });
    for (let i = 0; i < 30; i += 1) history.record(overloaded({ time: T0 + i * 1_000 }));
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS });
    assert.match(report, /20 further failed attempts are counted above but no longer in the failure log/);
  });

  it('shows breaker states, the status page incident and versions, and what to send', OPTS, () => {
    const { clock, history } = busyHistory();
    const breakers: BreakerSnapshot[] = [
      { provider: 'anthropic', model: 'claude-opus-5-5', state: 'open', since: T0 + HOUR + 6 * MINUTE, nextProbeAt: T0 + HOUR + 7 * MINUTE, consecutiveFailures: 5, heldUntil: null },
      { provider: 'anthropic', model: 'claude-sonnet-5-5', state: 'closed', since: T0, nextProbeAt: null, consecutiveFailures: 0, heldUntil: null },
    ];
    const report = buildEscalationReport({
      history,
      windowMs: HOUR,
      now: clock.now(),
      versions: VERSIONS,
      breakers,
      statusIncident: 'Elevated errors on Claude Opus',
    });
    const breakerRows = section(report, 'Circuit breakers');
    assert.deepEqual(tableRow(breakerRows, '`anthropic:claude-opus-5-5`'), [
      '`anthropic:claude-opus-5-5`',
      'open',
      '2026-11-20 01:06:00 UTC',
      '2026-11-20 01:07:00 UTC',
      '5',
    ]);
    assert.match(breakerRows, /`anthropic:claude-sonnet-5-5` \| closed/);
    assert.match(report, /\*\*Anthropic status page:\*\* Elevated errors on Claude Opus/);
    const versions = section(report, 'Versions');
    for (const text of ['Resilient Claude: 0.1.0', 'Anthropic SDK: 1.12.0', 'VS Code: 1.138.0', 'OS: linux x64']) {
      assert.ok(versions.includes(text), text);
    }
    assert.match(section(report, 'What to send to support'), /request_id/);
  });

  it('reads clearly when nothing happened', OPTS, () => {
    const clock = new FakeClock(T0);
    const history = createHistory({ storage: new MemoryStorage(), clock });
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS, statusIncident: null });
    assert.match(report, /No attempts were recorded in this window\./);
    assert.match(report, /No failed attempts in this window\./);
    assert.match(report, /no incident reported/);
    assert.match(report, /Breaker states were not included\./);
  });

  it('does not count a hedge loser we aborted as a failed attempt (issue 23, item 9)', OPTS, () => {
    const clock = new FakeClock(T0 + MINUTE);
    const history = createHistory({ storage: new MemoryStorage(), clock });
    history.record(attempt({ time: T0, model: 'claude-opus-5-5', clientRequestId: 'rc_h', attempt: 1 }));
    history.record(
      attempt({ time: T0 + 1_000, model: 'claude-opus-5-5', clientRequestId: 'rc_h', attempt: 2, status: null, errorClass: 'canceled', errorType: 'hedge_lost', message: 'a second attempt beside a late first token (hedge); the first attempt answered first' }),
    );
    const report = buildEscalationReport({ history, windowMs: HOUR, now: clock.now(), versions: VERSIONS });
    assert.deepEqual(tableRow(section(report, 'Attempts per model'), '`claude-opus-5-5`').slice(1, 3), ['1', '1'], 'one attempt, one success');
    assert.match(report, /No failed attempts in this window\./);
  });

  it('rejects a window that is not a positive duration', OPTS, () => {
    const history = createHistory({ storage: new MemoryStorage(), clock: new FakeClock(T0) });
    assert.throws(() => buildEscalationReport({ history, windowMs: 0, now: T0, versions: VERSIONS }), /positive/);
  });
});

describe('escalation report of simulated traffic', () => {
  it('says at the very top that the data is simulated and not for support; a real history says nothing of it', OPTS, () => {
    const clock = new FakeClock(T0 + HOUR);
    const rehearsal = createHistory({ storage: new MemoryStorage(), clock, simulated: 'overload rehearsal "primary-outage"' });
    rehearsal.record(overloaded({ time: T0 + HOUR - MINUTE, requestId: 'req_sim_abc', clientRequestId: 'rc_sim' }));
    const report = buildEscalationReport({ history: rehearsal, windowMs: HOUR, now: T0 + HOUR, versions: VERSIONS });
    const firstLine = report.split('\n')[0] ?? '';
    assert.match(firstLine, /SIMULATED DATA/);
    assert.match(firstLine, /not for Anthropic support/);
    assert.match(firstLine, /overload rehearsal "primary-outage"/);
    assert.ok(report.includes('req_sim_abc'), 'the simulated ids are still listed for the rehearsal');

    const real = createHistory({ storage: new MemoryStorage(), clock });
    real.record(overloaded({ time: T0 + HOUR - MINUTE, requestId: 'req_real', clientRequestId: 'rc_real' }));
    const realReport = buildEscalationReport({ history: real, windowMs: HOUR, now: T0 + HOUR, versions: VERSIONS });
    assert.doesNotMatch(realReport, /SIMULATED/i);
    assert.match(realReport.split('\n')[0] ?? '', /^# Resilient Claude escalation report/);
  });
});
