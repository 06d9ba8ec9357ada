import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, keyFromEnv, progressLine } from '../../../src/cli/cliSession';
import type { Outcome } from '../../../src/core/types';

const base = { time: 0, clientRequestId: 'c1', provider: 'anthropic' as const, model: 'claude-opus-5-5' };

test('the terminal hears of a stall, a rate-limit hold and a wait the way the editor does', { timeout: 5000 }, () => {
  assert.equal(progressLine({ ...base, type: 'stall', silentMs: 6000, phase: 'first_token', action: 'hedge' }), 'claude-opus-5-5: no response for 6.0 s — trying a fresh connection');
  assert.equal(
    progressLine({ ...base, type: 'stall', silentMs: 12_000, phase: 'mid_stream', action: 'reconnect' }),
    'claude-opus-5-5: the answer stopped for 12 s — continuing on a fresh connection',
  );
  assert.equal(progressLine({ type: 'hold', time: 0, provider: 'anthropic', model: 'claude-opus-5-5', until: Date.UTC(2026, 10, 29, 10, 42, 5) }), 'claude-opus-5-5: rate-limited until 10:42:05 UTC');
  assert.equal(progressLine({ type: 'hold', time: 0, provider: 'anthropic', model: 'claude-opus-5-5', until: null }), null);
  const wait = progressLine({ ...base, type: 'wait', delayMs: 250, reason: 'overloaded', nextAttempt: 2 });
  assert.match(wait ?? '', /^claude-opus-5-5: .+ — retrying in 250 ms \(attempt 2\)$/);
});

test('a missing key is said once and the printers never show the key', { timeout: 5000 }, () => {
  const lines: string[] = [];
  const io = { stdout: (t: string) => lines.push(`out:${t}`), stderr: (t: string) => lines.push(`err:${t}`), env: {} };
  assert.equal(keyFromEnv('ask', io), null);
  assert.deepEqual(lines, ['err:ask: ANTHROPIC_API_KEY is not set\n']);
  lines.length = 0;
  const key = 'sk-ant-cli-session-secret-0123456789';
  const printers = keyFromEnv('messages', { ...io, env: { ANTHROPIC_API_KEY: key } });
  assert.ok(printers);
  printers.out(`echo ${key}`);
  printers.err(`echo ${key}`);
  assert.equal(lines.some((l) => l.includes(key)), false);
  assert.equal(lines.length, 2);
});

test('exit statuses: answered 0, failed 1 with the request ids, cut short 3 with a warning', { timeout: 5000 }, () => {
  const said: string[] = [];
  const err = (t: string): number => said.push(t);
  const failed = { ok: false, text: '', attempts: [], error: { class: 'overloaded', message: 'Overloaded.', requestIds: ['req_1', 'req_2'] } } as unknown as Outcome;
  assert.equal(finish(failed, false, err), 1);
  assert.deepEqual(said, ['Error (overloaded): Overloaded.\n', 'Request ids: req_1, req_2\n']);
  said.length = 0;
  assert.equal(finish(failed, true, err), 1);
  assert.deepEqual(said, [], '--json already said it');
  const cut = { ok: true, incomplete: true, attempts: [] } as unknown as Outcome;
  assert.equal(finish(cut, false, err, ['Adapted for claude-haiku-5-5: thinking dropped']), 3);
  assert.deepEqual(said, ['Adapted for claude-haiku-5-5: thinking dropped\n', 'Warning: the answer was cut short and could not be continued.\n']);
  said.length = 0;
  assert.equal(finish({ ok: true, incomplete: false, attempts: [] } as unknown as Outcome, false, err), 0);
  assert.deepEqual(said, []);
});
