// The outcome's Message: the one the relay handed on, as the API sent it (answerRelay.ts). An
// answer that never began (a continuation refused before any event) still gets a well-formed one.
import type { Message } from '@anthropic-ai/sdk/resources/messages';
import type { JsonObject } from './messageAccumulator';

export function messageOf(snapshot: JsonObject | null, model: string, clientRequestId: string): Message {
  if (snapshot !== null) return snapshot as unknown as Message;
  return {
    id: `msg_${clientRequestId}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0 },
  } as unknown as Message;
}
