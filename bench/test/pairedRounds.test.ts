// The healthy-path CPU figure is the median of paired rounds with its spread: one noisy round moves
// neither the median nor the verdict, and the line says how far the rounds disagreed.
//   node --import tsx --test bench/test/pairedRounds.test.ts
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pairedLine, pairRounds, spreadOf } from '../lib/pairedRounds';
import { judgeGoals } from '../lib/goals';
import type { PassthroughFigures } from '../passthrough/passthroughFigures';

describe('paired rounds', () => {
  it('median of an odd and an even count, with the lowest and highest', () => {
    assert.deepEqual(spreadOf([3, 1, 2]), { median: 2, min: 1, max: 3 });
    assert.deepEqual(spreadOf([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4 });
  });

  it('one round hit by a pause elsewhere does not move the figure', () => {
    const rounds = [
      { sdkMs: 5, oursMs: 5.3 },
      { sdkMs: 5.1, oursMs: 5.5 },
      { sdkMs: 4.9, oursMs: 9.9 },
      { sdkMs: 5, oursMs: 5.2 },
      { sdkMs: 5.2, oursMs: 5.5 },
    ];
    const f = pairRounds(rounds);
    assert.equal(f.diffMs.median, 0.3);
    assert.equal(f.diffMs.max, 5);
    assert.equal(f.diffMs.min, 0.2);
    assert.equal(f.sdkMs.median, 5);
    assert.equal(f.ratio.median, 1.06);
    assert.equal(pairedLine(f), '5.50 vs 5.00 ms, +0.30 ms (rounds +0.20…+5.00), ratio 1.06 (1.04…2.02)');
  });

  it('the CPU goal is judged on the median of the rounds, and is unmeasured without them', () => {
    const figures = (oursMs: number): PassthroughFigures => {
      const cpu = pairRounds([0, 1, 2].map((k) => ({ sdkMs: 5 + k / 10, oursMs: oursMs + k / 10 })));
      return { requests: 3, p50SdkMs: 40, p50OursMs: 40, cpuSdkMs: 5.1, cpuOursMs: oursMs, p50Ratio: 1, cpuRatio: 1, cpu };
    };
    const goal = (f: PassthroughFigures | null) => judgeGoals([], f).find((g) => g.goal.startsWith('healthy path: client CPU'));
    assert.equal(goal(figures(5.4))?.met, true);
    assert.match(goal(figures(5.4))?.figure ?? '', /^\+0\.40 ms over 3 rounds/);
    assert.equal(goal(figures(5.7))?.met, false);
    assert.equal(goal(null)?.met, null);
  });
});
