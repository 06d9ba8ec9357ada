// @claude's history: earlier answers are sent back as the model wrote them (from the result's
// metadata), never with the narration, fallback line or error the user saw around them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyMessages } from '../../../src/extension/chat/participantHistory';
import type { RequestTurnShape, ResponseTurnShape } from '../../../src/extension/chat/participantHistory';

const ask = (prompt: string): RequestTurnShape => ({ prompt, participant: 'resilient-claude.claude' });
const markdown = (value: string) => ({ value: { value } });
const answered = (shown: string, answer: string | null): ResponseTurnShape => ({
  participant: 'resilient-claude.claude',
  response: [markdown(shown)],
  result: answer === null ? {} : { metadata: { resilientClaude: { answer, model: 'claude-sonnet-5-5', requestIds: ['req_1'], clientRequestId: 'c1' } } },
});

test('answers come from metadata, so what was shown around them is not sent back', () => {
  const messages = historyMessages([ask('What is a breaker?'), answered('A switch.\n\n*Answered by Sonnet 5.5 — Opus overloaded*', 'A switch.'), ask('And a probe?')]);
  assert.deepEqual(messages, [
    { role: 'user', content: 'What is a breaker?' },
    { role: 'assistant', content: 'A switch.' },
  ]);
});

test('an answer without our metadata falls back to its markdown; a failed turn drops its question', () => {
  const failed: ResponseTurnShape = { participant: 'resilient-claude.claude', response: [], result: { errorDetails: { message: 'Overloaded' } } };
  const messages = historyMessages([ask('first'), failed, ask('second'), answered('Two.', null)]);
  assert.deepEqual(messages, [
    { role: 'user', content: 'second' },
    { role: 'assistant', content: 'Two.' },
  ]);
});

test('a long conversation keeps its latest turns within the budget, still starting with a question', () => {
  const turns = [ask('q1 ' + 'x'.repeat(100)), answered('', 'a1 ' + 'y'.repeat(100)), ask('q2'), answered('', 'a2'), ask('q3')];
  const messages = historyMessages(turns, 50);
  assert.deepEqual(messages, [
    { role: 'user', content: 'q2' },
    { role: 'assistant', content: 'a2' },
  ]);
});
