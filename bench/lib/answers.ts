// Checks each successful answer against the simulator's canonical answer, so a
// client that duplicates or drops text after a broken stream is not counted a success.
import { effectiveBehavior } from '../../src/simulator/behavior';
import { canonicalAnswer } from '../../src/simulator/canonical-answer';
import type { Scenario } from '../../src/simulator/scenario-types';
import type { RequestRecord } from './protocol';

export function checkAnswers(records: readonly RequestRecord[], scenario: Scenario, maxTokens: number): RequestRecord[] {
  return records.map((record) => {
    if (!record.ok || record.model === null) return record;
    const tokens = Math.min(maxTokens, effectiveBehavior(scenario, undefined, record.model).outputTokens);
    if (record.text === canonicalAnswer(record.prompt, tokens)) return record;
    return { ...record, ok: false, error: 'wrong-answer' };
  });
}
