import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BackoffSettings, BackoffState } from '../../../src/core/policies/backoff';
import { decideWait, initialBackoffState, jitteredDelay } from '../../../src/core/policies/backoff';

const settings: BackoffSettings = { baseDelayMs: 500, maxDelayMs: 8000, retryAfterCapMs: 20_000, jitter: 'full' };

test('full jitter grows exponentially within [0, base·2^n) and stops at the cap', { timeout: 5000 }, () => {
  let state: BackoffState = initialBackoffState;
  const ceilings: number[] = [];
  for (let i = 0; i < 8; i++) {
    const top = jitteredDelay(settings, state, () => 0.999999);
    ceilings.push(top.delayMs);
    state = top.state;
  }
  assert.deepEqual(ceilings.slice(0, 5).map((d) => Math.ceil(d / 100) * 100), [500, 1000, 2000, 4000, 8000]);
  assert.ok(ceilings.every((d) => d <= 8000));
  assert.equal(jitteredDelay(settings, initialBackoffState, () => 0).delayMs, 0);
});

test('a server retry-after is honoured up to the cap; above it the request falls back', { timeout: 5000 }, () => {
  const honoured = decideWait(settings, initialBackoffState, 3000, () => 0.5);
  assert.deepEqual([honoured.kind, honoured.kind === 'wait' && honoured.delayMs, honoured.kind === 'wait' && honoured.fromServer], ['wait', 3000, true]);
  const tooLong = decideWait(settings, initialBackoffState, 60_000, () => 0.5);
  assert.equal(tooLong.kind, 'fall_back');
});

test('property: every wait stays within its cap, for both jitters', { timeout: 20_000 }, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 5000 }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.constantFrom<'full' | 'decorrelated'>('full', 'decorrelated'),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
      fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: null }),
      (base, extra, cap, jitter, randoms, retryAfter) => {
        const s: BackoffSettings = { baseDelayMs: base, maxDelayMs: base + extra, retryAfterCapMs: cap, jitter };
        let state = initialBackoffState;
        for (const r of randoms) {
          const decision = decideWait(s, state, retryAfter, () => r);
          if (decision.kind === 'fall_back') {
            assert.ok(retryAfter !== null && retryAfter > cap);
            return;
          }
          assert.ok(decision.delayMs >= 0);
          if (retryAfter !== null) assert.ok(decision.delayMs <= cap);
          else assert.ok(decision.delayMs <= s.maxDelayMs, `${decision.delayMs} > ${s.maxDelayMs}`);
          state = decision.state;
        }
      },
    ),
    { numRuns: 300 },
  );
});
