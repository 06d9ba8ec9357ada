// A local, conservative estimate of a Messages body's input tokens, used only to
// skip routes whose context window the request cannot fit. Images and documents
// count by their typical cost, not by the length of their base64 text.
import type { MessagesBody } from './types';
import { estimateTokens } from './models';

const IMAGE_TOKENS = 1_600;

function blockTokens(block: unknown): number {
  if (typeof block !== 'object' || block === null) return 0;
  const record = block as Record<string, unknown>;
  switch (record['type']) {
    case 'text':
      return estimateTokens(typeof record['text'] === 'string' ? record['text'] : '');
    case 'image':
      return IMAGE_TOKENS;
    case 'document': {
      const source = record['source'] as Record<string, unknown> | undefined;
      const data = typeof source?.['data'] === 'string' ? source['data'] : '';
      // Base64 is 4/3 of the bytes; a text-heavy PDF runs near one token per 4 bytes.
      return source?.['type'] === 'text' ? estimateTokens(data) : Math.ceil((data.length * 0.75) / 4);
    }
    case 'tool_result': {
      const content = record['content'];
      return typeof content === 'string' ? estimateTokens(content) : Array.isArray(content) ? content.reduce((n: number, b) => n + blockTokens(b), 0) : 0;
    }
    default:
      return estimateTokens(JSON.stringify(block));
  }
}

export function estimateRequestTokens(body: MessagesBody): number {
  let total = 0;
  const system = body.system;
  if (typeof system === 'string') total += estimateTokens(system);
  else if (Array.isArray(system)) total += system.reduce((n, b) => n + blockTokens(b), 0);
  for (const message of body.messages) {
    total += typeof message.content === 'string' ? estimateTokens(message.content) : message.content.reduce((n, b) => n + blockTokens(b), 0);
  }
  if (body.tools) total += estimateTokens(JSON.stringify(body.tools));
  return total;
}
