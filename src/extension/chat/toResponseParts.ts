// The manager's stream parts → VS Code response parts (pure: the provider passes factories
// that build VS Code's classes, tests pass plain ones).
//
// - text → a text part, as it arrives;
// - tool_use → one tool-call part, once, complete (the manager never yields half a call);
// - thinking → nothing: the stable API has no thinking part, and a thinking block could not be
//   sent back next turn without its signature anyway;
// - at the end, the usage as a `token_usage` data part (Copilot's convention: OpenAI-style
//   prompt/completion counts, cached tokens apart), which `response.text` readers never see.
//
// The provider adds no text of its own to the answer: what reaches the caller is exactly what
// the model wrote, so the conversation sent back next turn is the model's own (see README,
// "Fallback in chat").

export type StreamPartShape =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: unknown };

export interface ResponsePartFactory<P> {
  text(value: string): P;
  toolCall(callId: string, name: string, input: object): P;
  data(bytes: Uint8Array, mimeType: string): P;
}

export const TOKEN_USAGE_MIME = 'token_usage';

/** The response part for one stream part, or null when it has none. */
export function toResponsePart<P>(part: StreamPartShape, make: ResponsePartFactory<P>): P | null {
  switch (part.type) {
    case 'text':
      return part.text === '' ? null : make.text(part.text);
    case 'tool_use': {
      const input = typeof part.input === 'object' && part.input !== null && !Array.isArray(part.input) ? part.input : {};
      return make.toolCall(part.id, part.name, input);
    }
    case 'thinking':
      return null;
  }
}

export interface UsageShape {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_input_tokens?: number | null;
  readonly cache_creation_input_tokens?: number | null;
}

/** All input tokens the request used: fresh, read from the cache, and written to it. */
export function totalInputTokens(usage: UsageShape): number {
  return usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0);
}

/** The usage report as Copilot reads it from a `token_usage` data part. */
export function usageReport(usage: UsageShape, model: string): Record<string, unknown> {
  const prompt = totalInputTokens(usage);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: {
      cached_tokens: usage.cache_read_input_tokens ?? 0,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    },
    model,
  };
}

export function usagePart<P>(usage: UsageShape, model: string, make: ResponsePartFactory<P>): P {
  return make.data(new TextEncoder().encode(JSON.stringify(usageReport(usage, model))), TOKEN_USAGE_MIME);
}
