// The five-windows benchmark's driver, small: three window processes in a primary outage make
// fewer attempts on the failing model through one shared broker than with a manager each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CHAIN, runSetup } from '../fiveWindows/run';

const run = { scenario: 'primary-outage', scenarioName: 'primary-outage', models: CHAIN, ratePerWindow: 1, durationMs: 4_000, deadlineMs: 20_000 };

test('three windows in a primary outage: the shared broker spares the failing model', { timeout: 240_000, skip: !existsSync(path.resolve(__dirname, '..', '..', 'dist', 'broker.js')) && 'needs npm run build' }, async () => {
  const independent = await runSetup({ label: 'independent', windows: 3, mode: 'independent' }, run);
  const shared = await runSetup({ label: 'shared', windows: 3, mode: 'shared' }, run);
  assert.equal(independent.answered, independent.sent);
  assert.equal(shared.answered, shared.sent);
  assert.ok(independent.primary529 >= 3 * 3, `each independent window opened its own breaker (${independent.primary529} 529s)`);
  assert.ok(shared.primary529 < independent.primary529, `shared ${shared.primary529} < independent ${independent.primary529}`);
});
