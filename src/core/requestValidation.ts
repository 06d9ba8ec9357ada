// Checks a Messages body before any attempt, so a malformed request fails at
// once with a clear message instead of being sent to every route in turn.
import type { MessagesBody } from './types';

const ROLES = new Set(['user', 'assistant', 'system']);

export function validateRequest(request: MessagesBody | null | undefined): string | null {
  if (!request || typeof request !== 'object') return 'The request must be a Messages body (an object).';
  if (!Array.isArray(request.messages) || request.messages.length === 0) return 'The request has no messages.';
  for (const [i, message] of request.messages.entries()) {
    if (!message || typeof message !== 'object') return `messages[${i}] must be an object.`;
    if (!ROLES.has(message.role)) return `messages[${i}] has an unknown role ${JSON.stringify(message.role)}.`;
    const content: unknown = message.content;
    if (typeof content !== 'string' && !Array.isArray(content)) return `messages[${i}].content must be text or an array of content blocks.`;
    if (Array.isArray(content) && content.some((b: unknown) => typeof b !== 'object' || b === null || typeof (b as { type?: unknown }).type !== 'string')) {
      return `messages[${i}].content has a block without a type.`;
    }
  }
  if (request.messages[0]?.role !== 'user') return 'The first message must come from the user.';
  if (!Number.isInteger(request.max_tokens) || request.max_tokens < 1) return `max_tokens must be a positive integer (got ${String(request.max_tokens)}).`;
  if (request.model !== undefined && (typeof request.model !== 'string' || request.model.trim() === '')) return 'model, when given, must be a model id.';
  const system: unknown = request.system;
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) return 'system must be text or an array of text blocks.';
  if (request.tools !== undefined && !Array.isArray(request.tools)) return 'tools must be an array.';
  return null;
}
