// A stop reason is an answer. Every stop reason the API sends (and one it may send next year) ends
// the request once, on the route that answered: through the real manager and SDK over loopback
// HTTP against the simulator serving recorded-style streams, with a fallback configured and a
// breaker that opens after one failure. Three requests each: three upstream requests, all on the
// primary, no failed attempt, no breaker event, and the message is the SDK's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiStreamEvent } from '../../../src/core/types';
import { OPUS, SONNET, modelCount, rig, scenario } from './harness';
import { asJson, sdkAssembled } from '../../support/sdkOracle';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'streams');

const STOPS: ReadonlyArray<readonly [string, string]> = [
  ['continuation.jsonl', 'end_turn'],
  ['max-tokens-text.jsonl', 'max_tokens'],
  ['tool-input-max-tokens.jsonl', 'max_tokens'],
  ['stop-sequence.jsonl', 'stop_sequence'],
  ['tool-use.jsonl', 'tool_use'],
  ['pause-turn.jsonl', 'pause_turn'],
  ['refusal.jsonl', 'refusal'],
  ['context-window-exceeded.jsonl', 'model_context_window_exceeded'],
  ['future-stop-reason.jsonl', 'a_stop_reason_from_next_year'],
];

function fixture(name: string): ApiStreamEvent[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ApiStreamEvent);
}

for (const [name, stopReason] of STOPS) {
  test(`${stopReason} (${name}): one upstream request per request, on the primary, never a failure`, { timeout: 30_000 }, async () => {
    const r = await rig(scenario({ [OPUS]: { recordedStreams: [join(FIXTURES, name)] } }), { models: [OPUS, SONNET], breaker: { failureThreshold: 1 } as never });
    try {
      const expected = await sdkAssembled(fixture(name));
      for (let i = 0; i < 3; i++) {
        const outcome = await r.manager.send({ max_tokens: 64, messages: [{ role: 'user', content: 'Go on.' }] });
        assert.ok(outcome.ok, JSON.stringify(outcome));
        assert.equal(outcome.model, OPUS);
        assert.equal(outcome.message.stop_reason, stopReason);
        assert.equal(outcome.incomplete, false);
        assert.deepEqual(asJson(outcome.message), expected);
        assert.equal(outcome.attempts.length, 1);
      }
      assert.equal(modelCount(r.sim, OPUS), 3, 'three requests, three upstream requests');
      assert.equal(modelCount(r.sim, SONNET), 0, 'never failed over');
      const attempts = r.events.filter((e) => e.type === 'attempt');
      assert.equal(attempts.length, 3);
      assert.ok(attempts.every((e) => e.type === 'attempt' && e.errorClass === null), 'no attempt counted as failed');
      assert.ok(!r.events.some((e) => e.type === 'breaker' || e.type === 'fallback'), 'no breaker transition, no fallback');
      assert.ok(r.manager.breakers().every((b) => b.state === 'closed' && b.consecutiveFailures === 0));
    } finally {
      await r.close();
    }
  });
}
