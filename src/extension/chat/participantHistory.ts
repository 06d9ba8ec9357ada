// @claude's conversation history → Messages API turns (pure). An earlier answer is taken from
// the metadata @claude stored with it (the model's own text, nothing else), so what the user
// saw around it — narration, the fallback line, buttons, an error — is never sent back as if
// the model had said it. Answers of other participants, or without metadata, fall back to
// their markdown.
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';

/** What @claude keeps in `ChatResult.metadata` for each answer. */
export interface AnswerMetadata {
  readonly answer: string;
  readonly model: string | null;
  readonly requestIds: readonly string[];
  readonly clientRequestId: string;
}

export interface RequestTurnShape {
  readonly prompt: string;
  readonly participant: string;
}

export interface ResponseTurnShape {
  readonly participant: string;
  readonly response: readonly unknown[];
  readonly result: { readonly metadata?: { readonly [key: string]: unknown } | undefined; readonly errorDetails?: unknown };
}

export function isAnswerMetadata(value: unknown): value is AnswerMetadata {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['answer'] === 'string' && Array.isArray(v['requestIds']) && typeof v['clientRequestId'] === 'string';
}

function markdownOf(response: readonly unknown[]): string {
  return response
    .map((part) => {
      const value = (part as { value?: unknown }).value;
      if (typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string') {
        return (value as { value: string }).value;
      }
      return '';
    })
    .join('');
}

function isResponseTurn(turn: RequestTurnShape | ResponseTurnShape): turn is ResponseTurnShape {
  return 'response' in turn;
}

/** How much earlier conversation is sent at most (characters, ~50K tokens): the oldest turns go first. */
export const HISTORY_MAX_CHARS = 200_000;

export function historyMessages(history: ReadonlyArray<RequestTurnShape | ResponseTurnShape>, maxChars = HISTORY_MAX_CHARS): MessageParam[] {
  const messages: MessageParam[] = [];
  const push = (role: 'user' | 'assistant', text: string): void => {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const last = messages.at(-1);
    if (last && last.role === role && typeof last.content === 'string') last.content = `${last.content}\n\n${trimmed}`;
    else messages.push({ role, content: trimmed });
  };
  for (const turn of history) {
    if (!isResponseTurn(turn)) {
      push('user', turn.prompt);
      continue;
    }
    const metadata = turn.result.metadata?.['resilientClaude'];
    const answer = isAnswerMetadata(metadata) ? metadata.answer : markdownOf(turn.response);
    if (answer.trim() === '') {
      // A failed or canceled turn: drop its question too, so turns keep alternating.
      if (messages.at(-1)?.role === 'user') messages.pop();
      continue;
    }
    push('assistant', answer);
  }
  // The new prompt follows as a user turn: history must end with an answer.
  if (messages.at(-1)?.role === 'user') messages.pop();
  // Too long: drop the oldest question-and-answer pairs, so the history still starts with a question.
  const size = (): number => messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
  while (messages.length >= 2 && size() > maxChars) messages.splice(0, 2);
  return messages;
}
