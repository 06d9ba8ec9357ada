// Route identity: a route is one model on one endpoint. The endpoint is the provider and
// where its requests go (the base URL; Bedrock's region; Vertex's project and region), so a
// window using a gateway and one using the API never share a breaker, a hold or a budget by
// accident, while every manager with the same endpoint and model shares all of them.
import type { ProviderConfig } from './contract';
import { isCredentialId } from './credentialScope';
import { mappedModelId } from './providerModelIds';
import type { ProviderId, Route } from './types';

/** The API's own base URL: a provider without one sends there. */
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** A base URL as an identity: no credentials, no trailing slash, host lower-cased. */
function normalUrl(url: string | undefined): string {
  if (url === undefined || url.trim() === '') return '';
  // Asked for on every look at a route (several times a request): a parse each time is most of its cost.
  const known = normalUrls.get(url);
  if (known !== undefined) return known;
  const normal = parseNormalUrl(url);
  if (normalUrls.size >= MAX_NORMAL_URLS) normalUrls.clear();
  normalUrls.set(url, normal);
  return normal;
}

const normalUrls = new Map<string, string>();
const MAX_NORMAL_URLS = 64;

function parseNormalUrl(url: string): string {
  try {
    const parsed = new URL(url.trim());
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    return url.trim().replace(/\/+$/, '');
  }
}

/** Where a provider's requests go, as text: `anthropic https://api.anthropic.com`. */
export function endpointOf(provider: Pick<ProviderConfig, 'id' | 'baseURL' | 'region' | 'projectId'>): string {
  switch (provider.id) {
    case 'anthropic':
      return `anthropic ${normalUrl(provider.baseURL ?? ANTHROPIC_BASE_URL)}`;
    case 'bedrock':
      return `bedrock ${provider.region ?? ''} ${normalUrl(provider.baseURL)}`.trimEnd();
    case 'vertex':
      return `vertex ${provider.projectId ?? ''} ${provider.region ?? ''} ${normalUrl(provider.baseURL)}`.trimEnd();
  }
}

/**
 * The key of a route's state: its endpoint and model (with the provider's own model id when
 * the provider maps it, since that is the model the endpoint serves). Without a provider
 * configuration (a route the settings do not name) the provider id stands for the endpoint.
 */
export function routeKey(route: Route, provider?: ProviderConfig): string {
  if (!provider) return `${route.provider}:${route.model}`;
  const mapped = mappedModelId(provider, route.model);
  return `${endpointOf(provider)}|${route.model}${mapped === route.model ? '' : `=${mapped}`}`;
}

/**
 * The key of a route's rate-limit state (holds, the tier's limits, pacing bookings) for one
 * credential (credentialScope.ts): the route's key, and the credential's scope when it has one.
 * Capacity (breakers, unknown models, first-token times) stays under the route's own key.
 */
export function limitKey(key: string, scope: string): string {
  return scope === '' ? key : `${key} ${scope}`;
}

/** A limit key's route key and credential scope (`limitKey` undone; a route's own key has scope ''). */
export function splitLimitKey(key: string): { readonly base: string; readonly scope: string } {
  const at = key.lastIndexOf(' ');
  const scope = at < 0 ? '' : key.slice(at + 1);
  return isCredentialId(scope) ? { base: key.slice(0, at), scope } : { base: key, scope: '' };
}

/** The provider that serves a route's provider id: the first of that id (it names the routes). */
export function providerFor(providers: readonly ProviderConfig[], id: ProviderId): ProviderConfig | undefined {
  return providers.find((p) => p.id === id);
}

export function sameRoute(a: Route, b: Route): boolean {
  return a.provider === b.provider && a.model === b.model;
}

export function makeRoute(provider: ProviderId, model: string): Route {
  return { provider, model };
}
