// A request's JSON body (a content-type, when given, that names JSON), bounded in size, as an
// object — or the API-shaped reason it is not one. A body over the API's limit is refused as the
// API refuses it (413 request_too_large) as soon as that is known — from its Content-Length before
// a byte of it is read, or when a chunked body crosses the limit — and the rest is not read: the
// connection closes after the answer, so a client still sending is not served.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { localError } from './failureResponse';
import { acceptsAsJson } from './requestTarget';

/** The API's own limit on a Messages (and count_tokens) request. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;
const TOO_LARGE = 'Request exceeds the maximum allowed number of bytes.';

export type BodyRefusal = { readonly ok: false; readonly status: 400 | 413 | 499; readonly errorType: 'invalid_request_error' | 'request_too_large'; readonly message: string };

export type BodyResult = { readonly ok: true; readonly value: Record<string, unknown> } | BodyRefusal;

export const TOO_LARGE_BODY: BodyRefusal = { ok: false, status: 413, errorType: 'request_too_large', message: TOO_LARGE };
/** The client left before its body was read: counted as gone (499), answered to nobody. */
const CLIENT_GONE: BodyRefusal = { ok: false, status: 499, errorType: 'invalid_request_error', message: 'The client left before its request was read.' };

/** The request says its body is over `maxBytes` (its Content-Length): refused before it is read. */
export function declaredTooLarge(headers: IncomingHttpHeaders, maxBytes: number): boolean {
  const declared = headers['content-length'];
  return declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxBytes;
}

/** Answers a refused body with the API's error and `x-should-retry: false`; a body too large is
 *  left unread and its connection closes once the answer is written. */
export function refuseBody(res: ServerResponse, refusal: BodyRefusal): void {
  if (res.destroyed) return;
  const text = JSON.stringify(localError(refusal.errorType, refusal.message));
  const close = refusal.status === 413 ? { connection: 'close' } : {};
  res.writeHead(refusal.status, { ...close, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'x-should-retry': 'false' });
  res.end(text);
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const contentType = req.headers['content-type'];
  if (!acceptsAsJson(contentType)) {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: `The request body must be JSON (content-type: application/json), not ${JSON.stringify(contentType)}.` };
  }
  if (declaredTooLarge(req.headers, maxBytes)) return TOO_LARGE_BODY;
  const text = await readUpTo(req, maxBytes);
  if (text === 'too large') return TOO_LARGE_BODY;
  if (text === 'gone') return CLIENT_GONE;
  let value: unknown;
  try {
    value = JSON.parse(text.body);
  } catch {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: 'The request body is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, status: 400, errorType: 'invalid_request_error', message: 'The request body must be a JSON object.' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The body as text; 'too large' as soon as it crosses `maxBytes` (reading then stops, the rest is
 *  left to the connection's close); 'gone' when the client left before it ended. */
function readUpTo(req: IncomingMessage, maxBytes: number): Promise<{ readonly body: string } | 'too large' | 'gone'> {
  if (req.destroyed) return Promise.resolve('gone');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (read: { readonly body: string } | 'too large' | 'gone'): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      resolve(read);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      req.pause();
      settle('too large');
    };
    const onEnd = (): void => settle({ body: Buffer.concat(chunks).toString('utf8') });
    const onClose = (): void => settle('gone');
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
  });
}
