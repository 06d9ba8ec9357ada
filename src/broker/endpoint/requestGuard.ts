// Who may use the endpoint, decided before anything is read or sent upstream:
// - the Host header must name the endpoint itself (127.0.0.1, localhost or [::1] with its port),
//   so a page that rebinds a DNS name to 127.0.0.1 is refused;
// - any Origin header is a browser's: refused (and no CORS header is ever sent);
// - a credential is required: the endpoint's own token (compared in constant time) stands for
//   the user's stored credentials; a value shaped like the token but not equal to it is refused;
//   any other x-api-key or bearer token is the client's own and is used for its request only.
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeEndpointToken, tokenMatches } from './endpointToken';

/** Whose credentials serve a request. Client credentials are never stored or logged. */
export type RequestCredential =
  | { readonly kind: 'user' }
  | { readonly kind: 'client'; readonly apiKey: string }
  | { readonly kind: 'client'; readonly authToken: string };

export type GuardResult =
  | { readonly ok: true; readonly credential: RequestCredential }
  | { readonly ok: false; readonly status: 401 | 403; readonly errorType: 'authentication_error' | 'permission_error'; readonly message: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** True when the Host header names this endpoint (a loopback name with its own port). */
export function hostNamesEndpoint(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const wanted = host.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => wanted === `${name}:${port}`);
}

function bearerOf(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : undefined;
}

export function guardRequest(headers: IncomingHttpHeaders, port: number, token: string): GuardResult {
  if (!hostNamesEndpoint(single(headers.host), port)) {
    return { ok: false, status: 403, errorType: 'permission_error', message: `This endpoint answers only requests addressed to 127.0.0.1:${port} or localhost:${port}.` };
  }
  if (headers.origin !== undefined) {
    return { ok: false, status: 403, errorType: 'permission_error', message: 'Requests from web pages are refused: this endpoint serves local programs only.' };
  }
  const apiKey = single(headers['x-api-key'])?.trim() || undefined;
  const authorization = single(headers.authorization);
  const bearer = bearerOf(authorization);
  const presented = [apiKey, bearer].filter((v): v is string => v !== undefined);
  const tokenLike = presented.filter(looksLikeEndpointToken);
  if (tokenLike.length > 0) {
    if (tokenLike.every((value) => tokenMatches(value, token))) return { ok: true, credential: { kind: 'user' } };
    return { ok: false, status: 401, errorType: 'authentication_error', message: 'The endpoint token is not this endpoint\'s: copy it again from the token file or the editor.' };
  }
  if (apiKey !== undefined) return { ok: true, credential: { kind: 'client', apiKey } };
  if (bearer !== undefined) return { ok: true, credential: { kind: 'client', authToken: bearer } };
  const malformed = authorization !== undefined ? ' (the Authorization header is not "Bearer <token>")' : '';
  return {
    ok: false,
    status: 401,
    errorType: 'authentication_error',
    message: `No credential${malformed}: send your own API key (x-api-key) or token (Authorization: Bearer), or this endpoint's token.`,
  };
}
