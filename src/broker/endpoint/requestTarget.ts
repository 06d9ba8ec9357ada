// What a request asks for, decided from its request line and content type before anything is
// read or sent upstream:
// - the path as the upstream would resolve it ("/v1/../x" and "/v1/%2e%2e/x" are "/x"), so a
//   dot segment cannot carry a request past the /v1/ check to another path of the API;
// - the methods the API's paths take (GET, POST, DELETE): any other (HEAD, OPTIONS, PUT, PATCH…)
//   is refused here, and so is anything but POST on the two Messages paths the endpoint serves;
// - a body the endpoint reads as JSON must say it is JSON when it says what it is.

/** The request's path and query as they go upstream (dot segments resolved). */
export interface RequestTarget {
  /** The resolved path, without the query: "/v1/messages". */
  readonly path: string;
  /** The resolved path with the query string as the client sent it: "/v1/messages?beta=true". */
  readonly pathAndQuery: string;
}

/** A path (and query) the URL parser gives back unchanged: a single leading slash, segments of
 *  letters, digits, `_` and `-` only (no dot segment, no escape, no backslash), and a query, when
 *  there is one, of characters it keeps as they are. The request lines clients send (`/v1/messages`,
 *  `/v1/messages?beta=true`) skip the parse. */
const PLAIN_TARGET = /^\/(?!\/)[A-Za-z0-9_\-/]*(?:\?[A-Za-z0-9_\-.=&+%~]+)?$/;

export function requestTarget(url: string | undefined): RequestTarget {
  if (url !== undefined && PLAIN_TARGET.test(url)) {
    const query = url.indexOf('?');
    return { path: query < 0 ? url : url.slice(0, query), pathAndQuery: url };
  }
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://endpoint.invalid');
  } catch {
    return { path: '/', pathAndQuery: '/' };
  }
  return { path: parsed.pathname, pathAndQuery: `${parsed.pathname}${parsed.search}` };
}

/** The query string of a path, as names and values (`{ beta: 'true' }`); null when it has none. */
export function queryOf(pathAndQuery: string): Record<string, string> | null {
  if (!pathAndQuery.includes('?')) return null;
  const search = new URLSearchParams(pathAndQuery.split('?')[1] ?? '');
  return search.size > 0 ? Object.fromEntries(search) : null;
}

const RELAYED_METHODS = new Set(['GET', 'POST', 'DELETE']);
/** The paths the endpoint answers itself, which the API serves for POST only. */
const POST_ONLY = new Set(['/v1/messages', '/v1/messages/count_tokens']);

/** The methods allowed on `path` when `method` is not one of them; null when it is. */
export function refusedMethod(method: string, path: string): string | null {
  if (POST_ONLY.has(path)) return method === 'POST' ? null : 'POST';
  return RELAYED_METHODS.has(method) ? null : 'GET, POST, DELETE';
}

/** True when a content-type names JSON (application/json, or a +json type), or none is given. */
export function acceptsAsJson(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}
