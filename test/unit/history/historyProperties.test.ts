import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createHistory } from '../../../src/core/history/createHistory';
import type { ErrorClass } from '../../../src/core/types';
import { attempt, DAY, MemoryStorage, MINUTE, T0 } from './historyTestKit';
import { FakeClock } from '../../support/fakeClock';

const OPTS = { timeout: 60_000 };
const NOW = T0 + 10 * DAY;
const MODELS = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'] as const;
const CLASSES: (ErrorClass | null)[] = [null, 'overloaded', 'rate_limited', 'transient', 'timeout', 'auth', 'bad_request', 'canceled'];

const attemptArb = fc.record({
  // Anywhere from well before retention to the present moment.
  ageMs: fc.integer({ min: 0, max: 9 * DAY }),
  model: fc.constantFrom(...MODELS),
  errorClass: fc.constantFrom(...CLASSES),
  status: fc.constantFrom<number | null>(null, 200, 400, 401, 429, 500, 503, 529),
});

describe('history properties', () => {
  it('bucket totals equal the attempts recorded in the window, per model and in every class', OPTS, () => {
    fc.assert(
      fc.property(fc.array(attemptArb, { maxLength: 300 }), fc.integer({ min: 1, max: 7 * 24 * 60 }), (events, windowMinutes) => {
        const history = createHistory({ storage: new MemoryStorage(), clock: new FakeClock(NOW) });
        for (const e of events) {
          history.record(attempt({ time: NOW - e.ageMs, model: e.model, errorClass: e.errorClass, status: e.status }));
        }
        // A bucket-aligned window: whole buckets from sinceMs up to now.
        const sinceMs = Math.floor((NOW - windowMinutes * MINUTE) / MINUTE) * MINUTE;
        for (const model of MODELS) {
          const expected = events.filter((e) => e.model === model && NOW - e.ageMs >= sinceMs);
          const buckets = history.buckets({ model, sinceMs });
          const sum = (pick: (b: (typeof buckets)[number]) => number): number => buckets.reduce((n, b) => n + pick(b), 0);
          assert.equal(sum((b) => b.attempts), expected.length);
          assert.equal(
            sum((b) => b.successes),
            expected.filter((e) => e.errorClass === null).length,
          );
          for (const b of buckets) {
            assert.equal(b.attempts, b.successes + b.overloaded529 + b.rateLimited429 + b.server5xx + b.other);
          }
        }
        // Everything within a week is always there; nothing beyond retention is.
        const all = history.buckets({ sinceMs: 0 });
        assert.equal(
          all.reduce((n, b) => n + b.attempts, 0),
          events.filter((e) => e.ageMs < history.retentionMs).length,
        );
      }),
      { numRuns: 150 },
    );
  });
});
