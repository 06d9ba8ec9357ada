// A request Node's HTTP parser cannot read (not HTTP, a Content-Length beside chunked encoding,
// headers over the size limit, a request too slow to arrive) is answered in the API's error shape
// on its way out, instead of Node's bare status line: a client learns what was wrong with it, and
// the connection closes. Nothing of it was read as a request, so nothing of it goes upstream.
import type { Socket } from 'node:net';
import { localError } from './failureResponse';

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** The status and message for a parser error, by its code. */
export function malformedAnswer(code: string | undefined): { readonly status: 400 | 408 | 431; readonly errorType: string; readonly message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, errorType: 'request_too_large', message: 'The request headers are larger than this endpoint accepts.' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, errorType: 'timeout_error', message: 'The request did not arrive in time.' };
  return { status: 400, errorType: 'invalid_request_error', message: 'The request is not valid HTTP/1.1 (its request line, headers or body framing could not be read).' };
}

/** Node's own mark of the response under way on a connection (as its default handler reads it). */
type ServedSocket = Socket & { readonly _httpMessage?: { readonly headersSent?: boolean } | null };

/** Writes the answer for a parser error and closes the connection (or just closes it when nothing can be written). */
export function answerMalformed(error: NodeJS.ErrnoException, socket: ServedSocket): void {
  // A response already begun on this connection cannot be followed by another head.
  if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent === true) {
    socket.destroy();
    return;
  }
  const { status, errorType, message } = malformedAnswer(error.code);
  const body = JSON.stringify(localError(errorType, message));
  const head = [`HTTP/1.1 ${status} ${STATUS_TEXT[status]}`, 'content-type: application/json', `content-length: ${Buffer.byteLength(body)}`, 'x-should-retry: false', 'connection: close'];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
