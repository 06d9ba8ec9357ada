// Error responses exactly as the API sends them: status, JSON body with
// `type: "error"`, and the `request-id` header the SDK reads.
import type { ServerResponse } from 'node:http';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

/** The error type the API uses for each status. */
export const ERROR_TYPE_BY_STATUS: Readonly<Record<number, ApiErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The status the API uses for an error type (for a non-streaming request that draws a mid-stream error). */
export const STATUS_BY_ERROR_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export interface ErrorBody {
  type: 'error';
  error: { type: string; message: string; details?: Record<string, unknown> };
  request_id: string;
}

export function errorBody(type: string, message: string, requestId: string, details?: Record<string, unknown>): ErrorBody {
  return {
    type: 'error',
    error: details ? { type, message, details } : { type, message },
    request_id: requestId,
  };
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  requestId: string,
  options: { type?: string; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): void {
  const type = options.type ?? ERROR_TYPE_BY_STATUS[status] ?? 'api_error';
  sendJson(res, status, errorBody(type, message, requestId, options.details), requestId, options.headers);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'request-id': requestId,
    ...headers,
  });
  res.end(text);
}

/** The kind of page a reverse proxy sends when the origin is down. */
export function sendHtml502(res: ServerResponse, requestId: string): void {
  if (res.headersSent || res.destroyed) return;
  const page =
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
    '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n';
  res.writeHead(502, {
    'content-type': 'text/html',
    'content-length': Buffer.byteLength(page),
    'request-id': requestId,
  });
  res.end(page);
}
