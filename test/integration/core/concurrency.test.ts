// A thousand concurrent requests through the limiter against a healthy
// simulator: all settle, nothing rejects unhandled, memory stays bounded, and
// the server never sees more requests at once than the configured concurrency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { canonicalAnswer } from '../../../src/simulator/index';
import { OPUS, rig, scenario } from './harness';
import { DEFAULT_TAIL } from '../../../src/core/defaults';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

test('1,000 concurrent requests all settle within the concurrency cap', { timeout: 120_000 }, async () => {
  // Capacity 8 on the server: a ninth request in flight would be answered 529.
  // Generous timers: this test is about settling and the cap, and a loaded 2-core machine can pause
  // the process for seconds — a pause must not turn into a timeout, a retry and a miscount.
  const r = await rig(scenario({ [OPUS]: { capacity: 8 } }, { outputTokens: 6 }), {
    concurrency: 8,
    headersTimeoutMs: 60_000,
    idleTimeoutMs: 60_000,
    retry: { deadlineMs: 110_000 } as never,
    // Nor into a hedge: the server's count must be exactly one request per question.
    tail: { ...DEFAULT_TAIL, hedge: false },
  });
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on('unhandledRejection', onUnhandled);
  try {
    const prompt = (i: number): string => `question number ${i}`;
    const run = (from: number, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, k) =>
          r.manager.send(
            { messages: [{ role: 'user', content: prompt(from + k) }], max_tokens: 64 },
            { priority: (from + k) % 3 === 0 ? 'background' : 'interactive' },
          ),
        ),
      );
    await run(0, 100); // warm up sockets and the SDK
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    let outcomes = await run(100, 1000);

    assert.equal(outcomes.length, 1000);
    const failed = outcomes.filter((o) => !o.ok);
    assert.equal(failed.length, 0, JSON.stringify(failed[0]));
    outcomes.forEach((o, k) => assert.equal(o.ok && o.text, canonicalAnswer(prompt(100 + k), 6)));
    assert.equal(r.sim.stats().byModel[OPUS]?.outcomes['529'] ?? 0, 0, 'never more than 8 in flight');
    assert.equal(r.sim.stats().total, 1100);
    assert.deepEqual(unhandled, []);
    // Bounded, not leaked: once the callers let go of their answers, what the run held returns.
    // Right after the last answer sockets and their buffers are still closing (17 MB on an idle
    // machine, over 40 MB on a loaded one, all gone 3 s later), so the heap is read until it
    // is back under the bound or 20 s have passed.
    outcomes = [];
    const limit = 40 * 1024 * 1024;
    const settleBy = Date.now() + 20_000;
    let growth = Number.POSITIVE_INFINITY;
    for (;;) {
      collectGarbage();
      growth = process.memoryUsage().heapUsed - before;
      if (growth < limit || Date.now() > settleBy) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(growth < limit, `heap grew by ${Math.round(growth / 1024 / 1024)} MB and stayed there for 20 s`);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    await r.close();
  }
});
