// Which routes a settings change touches: every route of a provider whose
// endpoint or credentials setup changed, and every model that joined or left the
// chain. What was learnt about those routes (rate-limit holds, unknown models)
// is forgotten; the rest keeps its state.
import type { ManagerConfig, ProviderConfig } from './contract';
import type { ProviderId, Route } from './types';

function identity(provider: ProviderConfig): string {
  return JSON.stringify([provider.baseURL ?? '', provider.region ?? '', provider.projectId ?? '', provider.headers ?? {}, provider.modelIds ?? {}]);
}

export function changedRoutes(before: ManagerConfig, after: ManagerConfig): (route: Route) => boolean {
  const old = new Map<ProviderId, string>(before.providers.map((p) => [p.id, identity(p)]));
  const changedProviders = new Set<ProviderId>(after.providers.filter((p) => old.get(p.id) !== identity(p)).map((p) => p.id));
  for (const id of old.keys()) if (!after.providers.some((p) => p.id === id)) changedProviders.add(id);
  const stayed = new Set(before.models.filter((m) => after.models.includes(m)));
  return (route) => changedProviders.has(route.provider) || !stayed.has(route.model);
}
