// Streaming through failures: text arrives as it is produced, a mid-stream
// error is continued without duplicates or gaps, and a cancel stops at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAnswer } from '../../../src/simulator/index';
import { ASK, OPUS, SONNET, modelCount, rig, scenario, simRequestIds } from './harness';

const answer = canonicalAnswer(ASK.messages[0]!.content);

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

for (const after of [1, 3, 7]) {
  test(`a mid-stream error after ${after} tokens is continued with no duplicate and no gap`, { timeout: 20_000 }, async () => {
    const r = await rig(scenario({ [OPUS]: { sequence: ['midstream', 'ok'], midStreamAfterTokens: after } }));
    try {
      const stream = r.manager.stream(ASK);
      const deltas = await collect(stream);
      const outcome = await stream.outcome;
      assert.ok(outcome.ok);
      assert.equal(outcome.incomplete, false);
      assert.equal(deltas.join(''), answer, 'what the caller saw is the canonical answer');
      assert.equal(outcome.text, answer);
      assert.equal(outcome.attempts[0]?.errorClass, 'overloaded');
      assert.equal(outcome.attempts[0]?.status, null);
      assert.equal(r.sim.stats().total, 2);
      assert.deepEqual(outcome.attempts.map((a) => a.requestId), simRequestIds(r.sim));
    } finally {
      await r.close();
    }
  });
}

test('a mid-stream failure on the primary is finished by the fallback model', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { pMidStreamError: 1, midStreamAfterTokens: 4 } }), { retry: { maxAttemptsPerRoute: 1 } as never });
  try {
    const stream = r.manager.stream(ASK);
    const text = (await collect(stream)).join('');
    const outcome = await stream.outcome;
    assert.ok(outcome.ok && outcome.model === SONNET);
    assert.equal(text, answer);
    assert.equal(modelCount(r.sim, OPUS), 1);
    assert.equal(modelCount(r.sim, SONNET), 1);
  } finally {
    await r.close();
  }
});

test('when it cannot be continued, the delivered text stays and the outcome says why', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({}, { pMidStreamError: 1, midStreamAfterTokens: 2 }), { retry: { maxAttempts: 2 } as never });
  try {
    const stream = r.manager.stream(ASK);
    const text = (await collect(stream)).join('');
    const outcome = await stream.outcome;
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.error.class === 'overloaded');
    assert.equal(outcome.text, text);
    assert.ok(text.length > 0 && answer.startsWith(text), 'what was shown is a true prefix of the answer');
    assert.deepEqual(!outcome.ok && outcome.error.requestIds, simRequestIds(r.sim));
  } finally {
    await r.close();
  }
});

test('cancel during a stream stops it at once; no further attempts', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { tokensPerSecond: 20, outputTokens: 200 } }));
  try {
    const controller = new AbortController();
    const stream = r.manager.stream(ASK, { signal: controller.signal });
    const started = Date.now();
    let seen = '';
    for await (const delta of stream) {
      seen += delta;
      controller.abort();
    }
    const outcome = await stream.outcome;
    assert.ok(!outcome.ok && outcome.error.class === 'canceled');
    assert.ok(Date.now() - started < 5_000, 'did not read the whole 10 s answer');
    assert.equal(outcome.text, seen);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(r.sim.stats().total, 1);
  } finally {
    await r.close();
  }
});

test('breaking out of the iteration cancels the request', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { tokensPerSecond: 20, outputTokens: 200 } }));
  try {
    const stream = r.manager.stream(ASK);
    for await (const delta of stream) {
      assert.ok(delta.length > 0);
      break;
    }
    const outcome = await stream.outcome;
    assert.ok(!outcome.ok && outcome.error.class === 'canceled');
    assert.equal(r.sim.stats().total, 1);
  } finally {
    await r.close();
  }
});

test('a continuation the API refuses keeps the delivered text and marks the answer incomplete', { timeout: 20_000 }, async () => {
  const r = await rig(scenario({ [OPUS]: { sequence: ['midstream', '413'], midStreamAfterTokens: 3 } }));
  try {
    const stream = r.manager.stream(ASK);
    const text = (await collect(stream)).join('');
    const outcome = await stream.outcome;
    assert.ok(outcome.ok);
    assert.equal(outcome.incomplete, true);
    assert.equal(outcome.text, text);
    assert.ok(text.length > 0 && answer.startsWith(text) && text !== answer);
    assert.equal(r.sim.stats().total, 2);
  } finally {
    await r.close();
  }
});
