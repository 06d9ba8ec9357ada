// Is this an Anthropic API key? First its shape (offline, as it is typed), then, when the user
// asks, a live check: one Models API call (free, no tokens) that the API answers 200 for a valid
// key and 401/403 for a wrong one. Neither ever puts the key in a message.
import type { Endpoint } from './managerConfig';

const KEY_SHAPE = /^sk-ant-[A-Za-z0-9_-]{16,}$/;
const CHECK_TIMEOUT_MS = 10_000;

/** True when the text looks like an Anthropic API key (sk-ant-…); a gateway's own keys may not. */
export function looksLikeAnthropicKey(key: string): boolean {
  return KEY_SHAPE.test(key.trim());
}

export type KeyCheckResult =
  | { readonly kind: 'accepted'; readonly models: number }
  | { readonly kind: 'rejected'; readonly status: number; readonly errorType: string | null }
  | { readonly kind: 'unreachable'; readonly reason: string };

export async function checkApiKey(endpoint: Endpoint): Promise<KeyCheckResult> {
  const apiKey = await endpoint.apiKey();
  if (apiKey === undefined) return { kind: 'rejected', status: 401, errorType: 'no key set' };
  const { Anthropic, APIError } = await import('@anthropic-ai/sdk');
  try {
    const client = new Anthropic({
      apiKey,
      ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
      defaultHeaders: { ...endpoint.headers },
      maxRetries: 0,
      timeout: CHECK_TIMEOUT_MS,
    });
    const page = await client.models.list({ limit: 100 });
    return { kind: 'accepted', models: page.data.length };
  } catch (error) {
    if (error instanceof APIError && (error.status === 401 || error.status === 403)) {
      const body: unknown = error.error;
      const type = typeof body === 'object' && body !== null ? (body as { error?: { type?: unknown } }).error?.type : undefined;
      return { kind: 'rejected', status: error.status, errorType: typeof type === 'string' ? type : null };
    }
    if (error instanceof APIError && typeof error.status === 'number') return { kind: 'unreachable', reason: `HTTP ${error.status}` };
    // Only the error's class name: a network message could echo a header.
    return { kind: 'unreachable', reason: error instanceof Error ? error.name : 'network error' };
  }
}
