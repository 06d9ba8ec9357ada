// The one rule for a URL the client is told to send to or show (an API or gateway base URL,
// a provider endpoint, the status page, a link in its summary): an absolute http: or https:
// URL as the WHATWG URL parser reads it after trimming, with a host, and without a user name
// or password — credentials in a URL end up in logs, errors and route names, and keys are
// kept in secret storage instead.

/** The rule in words, for messages: "… must be an http(s) URL without credentials". */
export const HTTP_URL_RULE = 'an http(s) URL without credentials';

/** Why `value` breaks the rule, in words that never repeat a credential; null when it keeps it. */
export function httpUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'not text';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${JSON.stringify(url.protocol)} is not http: or https:`;
  if (url.hostname === '') return 'it names no host';
  if (url.username !== '' || url.password !== '') return 'it carries a user name or password';
  return null;
}

/** The URL when `value` keeps the rule, else null. */
export function parseHttpUrl(value: unknown): URL | null {
  return httpUrlProblem(value) === null ? new URL((value as string).trim()) : null;
}
