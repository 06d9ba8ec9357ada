// Token counting goes through the manager: the caller's body reaches /v1/messages/count_tokens
// unchanged (unknown fields and beta headers included) and the API's answer comes back whole; a
// count meets the routes' retries and breakers as a message does; a refused body is one request.
// Over loopback HTTP through the real SDK, against the simulator (and `messages --count-tokens`,
// which needs `npm run build`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../../src/simulator/index';
import { ASK, OPUS, TEST_KEY, rig, scenario } from './harness';
import { recordingProxy } from '../../support/recordingProxy';
import { runCli } from '../../support/cliRun';

const BODY = { model: OPUS, messages: [{ role: 'user', content: 'How many tokens is this?' }], system: 'Be brief.', a_field_the_sdk_has_not_met: { kept: true } };
const counting = (path: string): boolean => path === '/v1/messages/count_tokens';

test('messages --count-tokens: the body and the beta header reach count_tokens unchanged, and the API\'s answer is printed', { timeout: 60_000 }, async () => {
  const sim = await startSimulator({ scenario: scenario({}), apiKey: TEST_KEY });
  const proxy = await recordingProxy(sim.url);
  try {
    const { code, out, err } = await runCli(['messages', '--count-tokens', '--json', '--beta', 'token-counting-2024-11-01', '--base-url', proxy.url], JSON.stringify(BODY), TEST_KEY);
    assert.equal(code, 0, err);
    assert.equal(proxy.seen.length, 1);
    assert.ok(counting(proxy.seen[0]!.path), proxy.seen[0]!.path);
    assert.deepEqual(proxy.seen[0]!.body, BODY, 'exactly the caller\'s body');
    assert.equal(proxy.seen[0]!.headers['anthropic-beta'], 'token-counting-2024-11-01');
    const result = JSON.parse(out) as { ok: boolean; answer: { input_tokens: number }; model: string; attempts: unknown[] };
    assert.equal(result.ok, true);
    assert.equal(result.model, OPUS);
    assert.equal(result.attempts.length, 1);
    const direct = await fetch(`${sim.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'x-api-key': TEST_KEY, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: JSON.stringify(BODY) });
    assert.deepEqual(result.answer, await direct.json(), 'the API\'s answer, whole');
    assert.ok(!err.includes(TEST_KEY) && !out.includes(TEST_KEY));
  } finally {
    await proxy.close();
    await sim.close();
  }
});

test('an overloaded count is retried on its route and counted once it succeeds', { timeout: 30_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { countTokensFails: true, sequence: ['529', '529', 'ok'] } }), { models: [OPUS] });
  try {
    const outcome = await r.manager.countTokens(BODY);
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.ok(typeof outcome.answer['input_tokens'] === 'number' && outcome.answer['input_tokens'] > 0);
    assert.deepEqual(outcome.attempts.map((a) => a.errorClass), ['overloaded', 'overloaded', null]);
    assert.equal(r.events.filter((e) => e.type === 'attempt').length, 3, 'every attempt is an event');
    assert.equal(r.sim.stats().requests.filter((q) => counting(q.path)).length, 3);
  } finally {
    await r.close();
  }
});

test('a count feeds the breaker: once it opens, the next count is refused without an upstream request', { timeout: 30_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { countTokensFails: true, p529: 1 } }), { models: [OPUS], breaker: { failureThreshold: 2, openMs: 60_000, maxOpenMs: 60_000 } });
  try {
    const first = await r.manager.countTokens(BODY);
    assert.ok(!first.ok);
    assert.equal(first.error.class, 'overloaded');
    assert.ok(r.events.some((e) => e.type === 'breaker' && e.to === 'open'), 'the breaker opened');
    const upstream = r.sim.stats().requests.length;
    const second = await r.manager.countTokens(BODY);
    assert.ok(!second.ok);
    assert.equal(second.attempts.length, 0);
    assert.match(second.error.message, /breaker is open/);
    assert.equal(r.sim.stats().requests.length, upstream, 'no request while the breaker is open');
  } finally {
    await r.close();
  }
});

test('a body the API refuses (400) is its answer: one request, not retried', { timeout: 30_000 }, async () => {
  const r = await rig(scenario({}), { models: [OPUS] });
  try {
    const outcome = await r.manager.countTokens({ model: OPUS, messages: [] });
    assert.ok(!outcome.ok);
    assert.equal(outcome.error.class, 'bad_request');
    assert.equal(outcome.attempts.length, 1);
    assert.equal(outcome.attempts[0]!.status, 400);
  } finally {
    await r.close();
  }
});

test('a count while requests are out on a route nobody has seen answer yet is counted, not refused as if its breaker were open', { timeout: 30_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { latencyMs: 1_200 } }), { models: [OPUS] });
  try {
    // As many messages out as could open the breaker, their heads still to come: the route is in doubt.
    const out = Array.from({ length: 3 }, () => r.manager.send({ ...ASK, model: OPUS }));
    // Their attempts are sent at once (no event says so before the heads come: give them a moment of the 1.2 s).
    await new Promise((resolve) => setTimeout(resolve, 400));
    const counted = await r.manager.countTokens(BODY);
    assert.ok(counted.ok, JSON.stringify(counted));
    assert.ok(typeof counted.answer['input_tokens'] === 'number');
    for (const outcome of await Promise.all(out)) assert.ok(outcome.ok);
  } finally {
    await r.close();
  }
});
