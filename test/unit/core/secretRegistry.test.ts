// The registry of known secret values: redaction (messages, history, reports, the SDK log)
// scrubs every registered value whatever its shape; short values are ignored; it is bounded.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createHistory } from '../../../src/core/history/createHistory';
import { redactSecrets } from '../../../src/core/redact';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { formatSdkLogLine, sdkLogger, setSdkLogSink } from '../../../src/core/sdkLog';
import { clearRegisteredSecrets, registerSecrets, registeredSecrets } from '../../../src/core/secretRegistry';

const OPTS = { timeout: 5_000 };

describe('secret registry', () => {
  afterEach(() => clearRegisteredSecrets());

  it('a registered value of any shape is scrubbed by every redaction pass', OPTS, () => {
    registerSecrets('gw-xyz-123456', undefined, null, '');
    assert.equal(redactSecrets('key gw-xyz-123456 refused'), 'key [redacted] refused');
    assert.equal(redactSecrets('echo gw-xyz-123456'), 'echo [redacted]');
  });

  it('ignores short values so ordinary words survive, and trims', OPTS, () => {
    registerSecrets('short', '  padded-secret-value  ');
    assert.deepEqual(registeredSecrets(), ['padded-secret-value']);
    assert.equal(redactSecrets('a short padded-secret-value'), 'a short [redacted]');
  });

  it('a longer secret containing a shorter one leaves no part behind', OPTS, () => {
    registerSecrets('abcdefgh', 'abcdefgh-and-more-0001');
    assert.equal(redactSecrets('x abcdefgh-and-more-0001 y'), 'x [redacted] y');
  });

  it('keeps at most 64 values, dropping the oldest first', OPTS, () => {
    for (let i = 0; i < 70; i += 1) registerSecrets(`rotating-token-${String(i).padStart(3, '0')}`);
    const values = registeredSecrets();
    assert.equal(values.length, 64);
    assert.equal(values[0], 'rotating-token-006');
    assert.equal(values.at(-1), 'rotating-token-069');
  });

  it('the escalation report scrubs registered values without being passed them', OPTS, async () => {
    const history = createHistory({ storage: { read: async () => undefined, write: async () => undefined, setAside: async () => undefined } });
    await history.load();
    history.record({
      type: 'attempt',
      time: Date.now(),
      provider: 'anthropic',
      model: 'claude-opus-5-5',
      attempt: 1,
      status: 401,
      errorClass: 'auth',
      errorType: 'authentication_error',
      latencyMs: 10,
      requestId: 'req_1',
      clientRequestId: 'rc_1',
      message: 'gateway refused gw-report-key-000001',
    });
    registerSecrets('gw-report-key-000001');
    const report = buildEscalationReport({ history, windowMs: 3_600_000, now: Date.now(), versions: { extension: 't', sdk: 't' } });
    assert.ok(report.includes('gateway refused [redacted]'), report);
  });
});

describe('SDK logger', () => {
  afterEach(() => clearRegisteredSecrets());

  it('formats like console, redacts, and hands lines to the current sink', OPTS, () => {
    registerSecrets('gw-xyz-123456');
    const lines: string[] = [];
    const restore = setSdkLogSink((level, line) => lines.push(`${level}: ${line}`));
    try {
      sdkLogger().error('Could not parse message into JSON:', 'data gw-xyz-123456');
      sdkLogger(['another-secret-0001']).warn('%s and %o', 'another-secret-0001', { authorization: 'Bearer sk-ant-api03-abc' });
    } finally {
      restore();
    }
    assert.deepEqual(lines[0], 'error: Could not parse message into JSON: data [redacted]');
    assert.ok(lines[1]?.startsWith('warn: [redacted] and '));
    assert.ok(!lines[1]?.includes('sk-ant-api03-abc'));
  });

  it('bounds a line and never throws when the sink does', OPTS, () => {
    assert.ok(formatSdkLogLine(['x'.repeat(10_000)]).length <= 2_000);
    const restore = setSdkLogSink(() => {
      throw new Error('log closed');
    });
    try {
      assert.doesNotThrow(() => sdkLogger().error('still fine'));
    } finally {
      restore();
    }
  });
});
