// Which model ids the Models API does not know. One call lists the models; an id the list lacks is
// then looked up by itself (GET /v1/models/{id} resolves an alias such as "claude-sonnet-4-5", which
// the list does not show), and only a 404 there counts as unknown: a failed lookup proves nothing.
import type { Endpoint } from './managerConfig';
import { listAllModels, modelsApiClient } from './modelCatalog';

export type ModelLookup = { readonly source: 'api'; readonly unknown: readonly string[] } | { readonly source: 'no_key' | 'unreachable' };

function status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined;
}

export async function lookUpModels(endpoint: Endpoint, ids: readonly string[]): Promise<ModelLookup> {
  const client = await modelsApiClient(endpoint);
  if (client === undefined) return { source: 'no_key' };
  let listed: Set<string>;
  try {
    listed = new Set((await listAllModels(client)).map((m) => m.id));
  } catch {
    return { source: 'unreachable' };
  }
  const unknown: string[] = [];
  for (const id of new Set(ids)) {
    if (listed.has(id)) continue;
    try {
      await client.models.retrieve(id);
    } catch (error) {
      if (status(error) === 404) unknown.push(id);
    }
  }
  return { source: 'api', unknown };
}
