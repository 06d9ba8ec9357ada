// The models offered by the switcher: the API's model list (GET /v1/models via
// the SDK, loaded lazily with the current key and base URL), or the configured
// chain when the API cannot be reached.
import type { Endpoint } from './managerConfig';

export interface CatalogModel {
  readonly id: string;
  readonly displayName: string;
}

export interface Catalog {
  readonly models: readonly CatalogModel[];
  /** 'api' when the list came from the Models API; otherwise why it did not. */
  readonly source: 'api' | 'no_key' | 'unreachable';
}

const LIST_TIMEOUT_MS = 5000;

export async function loadCatalog(endpoint: Endpoint, configuredChain: readonly string[]): Promise<Catalog> {
  const fallback = configuredChain.map((id) => ({ id, displayName: id }));
  const apiKey = await endpoint.apiKey();
  if (apiKey === undefined) return { models: fallback, source: 'no_key' };
  try {
    const { Anthropic } = await import('@anthropic-ai/sdk');
    const client = new Anthropic({
      apiKey,
      ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
      defaultHeaders: { ...endpoint.headers },
      maxRetries: 0,
      timeout: LIST_TIMEOUT_MS,
    });
    const page = await client.models.list({ limit: 100 });
    const models = page.data.map((m) => ({ id: m.id, displayName: m.display_name || m.id }));
    // Models in the user's chain stay listed even if the API does not list them.
    for (const id of configuredChain) if (!models.some((m) => m.id === id)) models.push({ id, displayName: id });
    return { models, source: 'api' };
  } catch {
    return { models: fallback, source: 'unreachable' };
  }
}
