// A request's JSON body (a content-type, when given, that names JSON), bounded in size, as an
// object — or the API-shaped reason it is not one.
import type { IncomingMessage } from 'node:http';
import { acceptsAsJson } from './requestTarget';

export type BodyResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly status: 400 | 413; readonly errorType: 'invalid_request_error' | 'request_too_large'; readonly message: string };

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const contentType = req.headers['content-type'];
  if (!acceptsAsJson(contentType)) {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: `The request body must be JSON (content-type: application/json), not ${JSON.stringify(contentType)}.` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return { ok: false, status: 413, errorType: 'request_too_large', message: `The request body is larger than ${maxBytes} bytes.` };
    chunks.push(buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: 'The request body is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: 'The request body must be a JSON object.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
