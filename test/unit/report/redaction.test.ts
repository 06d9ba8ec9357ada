import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import { redactSecrets } from '../../../src/core/redact';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { attempt, MemoryStorage, MINUTE, overloaded, T0 } from '../history/historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 10_000 };
// A made-up key in the real format; the test fails if any trace of its body survives.
const KEY = 'sk-ant-api03-Zx9Q_testKEYbody-7mN2pL4vR8sT1uW3yA5cE6gH-AAAAAAAA';
const KEY_BODY = 'Zx9Q_testKEYbody';
const AWS_KEY = 'AKIAZZTESTKEY1234567';
const GOOGLE_TOKEN = 'ya29.a0TestTokenBody_123';

function assertClean(text: string, where: string): void {
  for (const secret of [KEY_BODY, AWS_KEY, 'TestTokenBody', 'hunter2secret']) {
    assert.ok(!text.includes(secret), `${where} leaks ${secret}`);
  }
}

describe('secrets never reach the history, its snapshots, its file or the report', () => {
  it('redacts keys fed through event messages and ids everywhere they surface', OPTS, async () => {
    const clock = new FakeClock(T0 + 10 * MINUTE);
    const storage = new MemoryStorage();
    const history = createHistory({ storage, clock, alert: { threshold: 0.05, windowMs: 5 * MINUTE, minAttempts: 1 } });
    await history.load();
    const leaky = [
      `invalid x-api-key: ${KEY}`,
      `request failed with headers {"authorization":"Bearer ${KEY}"}`,
      `Authorization: Bearer ${KEY}`,
      `echoed ${KEY} back`,
      `x-api-key=hunter2secret`,
      `Bedrock rejected ${AWS_KEY}`,
      `Vertex token ${GOOGLE_TOKEN} expired`,
    ];
    leaky.forEach((message, i) =>
      history.record(
        attempt({
          time: clock.now() - i * 1_000,
          status: 401,
          errorClass: 'auth',
          errorType: `authentication_error ${KEY}`,
          requestId: `req_${i}`,
          clientRequestId: `rc_${i}`,
          message,
        }),
      ),
    );
    history.record(overloaded({ time: clock.now(), message: `Overloaded; api_key=${KEY}` }));

    const failures = history.failures();
    assert.equal(failures.length, leaky.length + 1);
    assertClean(JSON.stringify(failures), 'failures()');
    assert.ok(failures.some((f) => f.message === 'Authorization: Bearer [redacted]'), 'the message stays readable');
    assertClean(JSON.stringify(history.snapshot()), 'the webview snapshot');

    await history.flush();
    assert.equal(storage.writes.length, 1);
    assertClean(storage.writes[0] ?? '', 'the persisted history');

    const report = buildEscalationReport({
      history,
      windowMs: 10 * MINUTE,
      now: clock.now(),
      versions: { extension: '0.1.0', sdk: '1.12.0', os: `linux (env ANTHROPIC_API_KEY=${KEY})` },
      statusIncident: `Outage; sample call used ${KEY}`,
    });
    assertClean(report, 'the escalation report');
    assert.ok(report.includes('`req_3`'), 'request ids survive redaction');
  });

  it('redacts keys already present in an older stored history when loading it', OPTS, async () => {
    const clock = new FakeClock(T0 + MINUTE);
    const stored = JSON.stringify({
      format: 'resilient-claude-history',
      version: 1,
      savedAt: T0,
      bucketMs: 60_000,
      buckets: { 'claude-opus-5-5': [[T0, 1, 0, 0, 0, 0, 1]] },
      failures: [
        {
          time: T0,
          provider: 'anthropic',
          model: 'claude-opus-5-5',
          attempt: 1,
          status: 401,
          errorClass: 'auth',
          errorType: 'authentication_error',
          requestId: 'req_old',
          clientRequestId: 'rc_old',
          message: `bad key ${KEY}`,
        },
      ],
    });
    const history = createHistory({ storage: new MemoryStorage(stored), clock });
    assert.equal((await history.load()).status, 'loaded');
    assertClean(JSON.stringify(history.failures()), 'loaded failures');
    assert.equal(history.failures()[0]?.requestId, 'req_old');
  });

  it('scrubs a configured key of any shape when the caller passes it', OPTS, () => {
    const clock = new FakeClock(T0 + MINUTE);
    const history = createHistory({ storage: new MemoryStorage(), clock });
    const gatewayKey = 'gw-live-0123456789abcdef';
    history.record(overloaded({ time: T0, message: `gateway said: key ${gatewayKey} is throttled` }));
    const report = buildEscalationReport({
      history,
      windowMs: MINUTE,
      now: clock.now(),
      versions: { extension: '0.1.0', sdk: '1.12.0' },
      knownSecrets: [gatewayKey, ''],
    });
    assert.ok(!report.includes(gatewayKey));
    assert.match(report, /gateway said: key \[redacted\] is throttled/);
  });

  it('leaves ordinary error text alone', OPTS, () => {
    for (const text of [
      'Overloaded',
      'Number of request tokens has exceeded your per-minute rate limit',
      'request_id req_011CPgrx1xLDkq7Ea2fv1WQa',
      'model: claude-sonnet-5-5 not found',
      'The stream went idle for 30 s',
    ]) {
      assert.equal(redactSecrets(text), text);
    }
  });
});
