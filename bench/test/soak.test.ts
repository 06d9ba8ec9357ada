// The soak's arithmetic: growth after warm-up, the second half's slope, and what grew by constructor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { censusGrowth } from '../soak/heapCensus';
import { soakFigures } from '../soak/soakReport';

test('a flat heap with noise has a slope near zero; a creeping one shows its rate', () => {
  const noisy = Array.from({ length: 50 }, (_, i) => ({ requests: (i + 1) * 1_000, heapMb: 20 + (i % 2 === 0 ? 0.3 : -0.3) }));
  const flat = soakFigures(noisy, 2_000);
  assert.ok(Math.abs(flat.slopeMbPer10k) < 0.05, `slope ${flat.slopeMbPer10k}`);
  assert.equal(flat.warmUpMb, 19.7);
  assert.equal(flat.peakMb, 20.3);
  const creeping = Array.from({ length: 50 }, (_, i) => ({ requests: (i + 1) * 1_000, heapMb: 20 + (i + 1) * 0.1 }));
  const figures = soakFigures(creeping, 2_000);
  assert.ok(Math.abs(figures.slopeMbPer10k - 1) < 1e-9, `slope ${figures.slopeMbPer10k}`);
  assert.ok(Math.abs(figures.growthMb - 4.8) < 1e-9);
});

test('census growth lists what grew, largest first, and leaves out what shrank', () => {
  const before = new Map([
    ['RouteLease', { count: 10, bytes: 880 }],
    ['Object', { count: 100, bytes: 4_000 }],
  ]);
  const after = new Map([
    ['RouteLease', { count: 5, bytes: 440 }],
    ['Object', { count: 150, bytes: 6_000 }],
    ['Timeout', { count: 2, bytes: 240 }],
  ]);
  assert.deepEqual(censusGrowth(before, after), [
    { name: 'Object', count: 50, bytes: 2_000 },
    { name: 'Timeout', count: 2, bytes: 240 },
  ]);
});
