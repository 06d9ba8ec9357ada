// One redaction rule wherever text leaves the process: a known secret value counts from
// MIN_SECRET_LENGTH characters, longest first, in the SDK log, the CLI's printers, a failure
// event's message, the history and the escalation report alike. (Before, the CLI and the
// manager's messages scrubbed values from 4 characters while the history and report did from 8.)
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { keyFromEnv } from '../../../src/cli/cliSession';
import { classifyError } from '../../../src/core/classify';
import { createHistory } from '../../../src/core/history/createHistory';
import { buildEscalationReport } from '../../../src/core/report/buildEscalationReport';
import { attempt } from '../history/historyTestKit';
import { formatSdkLogLine } from '../../../src/core/sdkLog';
import { MIN_SECRET_LENGTH, clearRegisteredSecrets, registerSecrets } from '../../../src/core/secretRegistry';

const OPTS = { timeout: 5_000 };

/** The text each way out of the process makes of `message`, with `key` the configured key (registered as it is read, as the extension and CLI do). */
async function everyWayOut(message: string, key: string): Promise<Record<string, string>> {
  registerSecrets(key);
  const printed: string[] = [];
  const cli = keyFromEnv('ask', { env: { ANTHROPIC_API_KEY: key }, stdout: (t) => printed.push(t), stderr: (t) => printed.push(t) });
  assert.ok(cli);
  cli.out(message);
  cli.err(message);
  const event = classifyError({ status: 500, error: { type: 'error', error: { type: 'api_error', message } } }, { secrets: [key] });
  const history = createHistory({ storage: { read: async () => undefined, write: async () => undefined, setAside: async () => undefined } });
  await history.load();
  history.record(attempt({ time: Date.now(), status: 500, errorClass: 'transient', errorType: 'api_error', message }));
  const report = buildEscalationReport({ history, windowMs: 3_600_000, now: Date.now(), versions: { extension: 't', sdk: 't' }, knownSecrets: [key] });
  const out = {
    log: formatSdkLogLine([message], [key]),
    cli: printed.join('\n'),
    event: event.message,
    history: JSON.stringify(history.failures()),
    report,
  };
  await history.dispose();
  return out;
}

describe('one redaction rule', () => {
  afterEach(() => clearRegisteredSecrets());

  it('a known key of any shape is gone from the log, the CLI, the event, the history and the report', OPTS, async () => {
    const key = 'gw-plain-0451-opaque';
    const ways = await everyWayOut(`the gateway refused ${key} today`, key);
    for (const [where, text] of Object.entries(ways)) {
      assert.ok(!text.includes(key) && !text.includes('0451-opaque'), `${where} shows the key: ${text}`);
      assert.ok(text.includes('the gateway refused [redacted] today'), `${where} stays readable: ${text}`);
    }
  });

  it('the shortest value that counts is the same everywhere, and one shorter is left alone everywhere', OPTS, async () => {
    const counts = 'q'.repeat(MIN_SECRET_LENGTH - 3) + 'k9z';
    const tooShort = counts.slice(1);
    for (const [value, redacted] of [
      [counts, true],
      [tooShort, false],
    ] as const) {
      const ways = await everyWayOut(`word ${value} end`, value);
      for (const [where, text] of Object.entries(ways)) {
        assert.equal(text.includes(`word ${value} end`), !redacted, `${where} (${value.length} characters): ${text}`);
      }
      clearRegisteredSecrets();
    }
  });

  it('a key holding a shorter registered secret leaves no part behind, whichever way out', OPTS, async () => {
    registerSecrets('inner-secret-01');
    const key = 'outer-inner-secret-01-tail';
    const ways = await everyWayOut(`refused ${key}`, key);
    for (const [where, text] of Object.entries(ways)) {
      assert.ok(!text.includes('tail') && !text.includes('outer'), `${where}: ${text}`);
    }
  });
});
