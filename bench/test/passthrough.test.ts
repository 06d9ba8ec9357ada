// The healthy-path benchmark runs the bare SDK and the manager to a successful answer against the
// simulator in its own process and reports latency and CPU per request. Needs `npm run build`.
//   node --import tsx --test bench/test/passthrough.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measurePassthrough } from '../passthrough/passthroughBench';
import { passthroughLine } from '../passthrough/passthroughFigures';

test('both paths answer and latency and CPU per request are measured', { timeout: 60_000 }, async () => {
  const figures = await measurePassthrough(4, 20);
  assert.equal(figures.requests, 4);
  assert.ok(figures.p50SdkMs > 0 && figures.p50OursMs > 0 && figures.cpuSdkMs > 0 && figures.cpuOursMs > 0, JSON.stringify(figures));
  assert.ok(figures.p50Ratio > 0 && figures.cpuRatio > 0);
  assert.match(passthroughLine(figures), /^Healthy path, manager vs bare SDK \(4 streamed requests each, interleaved\): p50 .* ratio .*; CPU per request .* ratio /);
});
