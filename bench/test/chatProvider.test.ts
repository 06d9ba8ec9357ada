// The chat provider benchmark runs both paths to a successful answer and reports its line.
//   node --import tsx --test bench/test/chatProvider.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureChatProvider } from '../chat/chatProviderBench';
import { chatProviderLine } from '../chat/chatProviderFigures';

test('both paths answer and the figures are measured', { timeout: 60_000 }, async () => {
  const figures = await measureChatProvider(4);
  assert.equal(figures.requests, 4);
  assert.ok(figures.p50DirectMs > 0 && figures.p50ProviderMs > 0, JSON.stringify(figures));
  assert.ok(figures.p50Ratio > 0);
  assert.match(chatProviderLine(figures), /^Chat provider path vs direct manager call \(healthy, 4 requests each, interleaved\): p50 /);
});
