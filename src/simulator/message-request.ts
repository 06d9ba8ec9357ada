// Validates a Messages API request body the way the API does, returning either
// the fields the simulator needs or an invalid_request_error message.

export interface MessageRequest {
  model: string;
  maxTokens: number;
  stream: boolean;
  /** Text of the last user message: the canonical answer is derived from it. */
  lastUserText: string;
  /** Text of a trailing assistant message (prefill), or undefined. */
  prefill: string | undefined;
  /** A rough input token count (about four characters per token). */
  inputTokens: number;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Concatenated text of a message's content (string or content blocks). */
function contentText(content: unknown, path: string): Validated<string> {
  if (typeof content === 'string') return { ok: true, value: content };
  if (!Array.isArray(content)) return { ok: false, message: `${path}: Input should be a valid string or list of content blocks` };
  let text = '';
  for (let i = 0; i < content.length; i++) {
    const block: unknown = content[i];
    if (!isObject(block) || typeof block['type'] !== 'string') {
      return { ok: false, message: `${path}.${i}: Input should be a valid content block with a type` };
    }
    if (block['type'] === 'text') {
      if (typeof block['text'] !== 'string') return { ok: false, message: `${path}.${i}.text: Field required` };
      text += block['text'];
    }
  }
  return { ok: true, value: text };
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * `modelFromPath` is set for Vertex requests, which name the model in the URL
 * instead of the body.
 */
export function parseMessageRequest(body: unknown, modelFromPath?: string): Validated<MessageRequest> {
  if (!isObject(body)) return { ok: false, message: 'Request body must be a JSON object' };
  const model = modelFromPath ?? body['model'];
  if (model === undefined) return { ok: false, message: 'model: Field required' };
  if (typeof model !== 'string' || model.length === 0) return { ok: false, message: 'model: Input should be a valid string' };
  const maxTokens = body['max_tokens'];
  if (maxTokens === undefined) return { ok: false, message: 'max_tokens: Field required' };
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
    return { ok: false, message: 'max_tokens: Input should be a valid integer greater than or equal to 1' };
  }
  const stream = body['stream'];
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') {
    return { ok: false, message: 'stream: Input should be a valid boolean' };
  }
  const messages = body['messages'];
  if (messages === undefined) return { ok: false, message: 'messages: Field required' };
  if (!Array.isArray(messages)) return { ok: false, message: 'messages: Input should be a valid list' };
  if (messages.length === 0) return { ok: false, message: 'messages: at least one message is required' };

  let lastUserText: string | undefined;
  let allText = '';
  const system = body['system'];
  if (system !== undefined) {
    const systemText = contentText(system, 'system');
    if (!systemText.ok) return systemText;
    allText += systemText.value;
  }
  for (let i = 0; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) return { ok: false, message: `messages.${i}: Input should be a valid dictionary` };
    const role = message['role'];
    if (role !== 'user' && role !== 'assistant') {
      return { ok: false, message: `messages.${i}.role: Input should be 'user' or 'assistant'` };
    }
    if (message['content'] === undefined) return { ok: false, message: `messages.${i}.content: Field required` };
    const text = contentText(message['content'], `messages.${i}.content`);
    if (!text.ok) return text;
    allText += text.value;
    if (role === 'user') lastUserText = text.value;
  }
  if (lastUserText === undefined) return { ok: false, message: 'messages: at least one user message is required' };

  const last = messages[messages.length - 1] as Json;
  let prefill: string | undefined;
  if (last['role'] === 'assistant') {
    const text = contentText(last['content'], `messages.${messages.length - 1}.content`);
    if (!text.ok) return text;
    if (/\s$/.test(text.value)) {
      return { ok: false, message: 'messages: final assistant content cannot end with trailing whitespace' };
    }
    prefill = text.value;
  }

  return {
    ok: true,
    value: {
      model,
      maxTokens,
      stream: stream === true,
      lastUserText,
      prefill,
      inputTokens: estimateTokens(allText),
    },
  };
}
