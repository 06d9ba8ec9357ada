// The provider's SDK client for a route, or why there is none: credentials missing (an auth
// failure that names the provider and what to do) or a provider that cannot be set up (a
// configuration warning). Either way the provider's routes are ended for the request.
import type { Classification } from './classify';
import type { CredentialRequest, ManagerConfig } from './contract';
import type { ProviderClients, ResolvedClient } from './providers';
import { ProviderSetupError } from './providers';
import type { ChainEntry } from './routePicker';
import { PROVIDER_NAMES } from '../shared/vocabulary';

export type RouteClient =
  | { readonly kind: 'client'; readonly resolved: ResolvedClient }
  | { readonly kind: 'no_credentials'; readonly failure: Classification }
  | { readonly kind: 'unusable'; readonly warning: string };

export async function routeClient(clients: ProviderClients, config: ManagerConfig, entry: ChainEntry, request: CredentialRequest): Promise<RouteClient> {
  try {
    return { kind: 'client', resolved: await clients.clientFor(entry.providerIndex, config.providers[entry.providerIndex]!, request) };
  } catch (error) {
    const name = PROVIDER_NAMES[entry.route.provider];
    const detail = error instanceof Error ? error.message : 'the provider could not be set up';
    if (!(error instanceof ProviderSetupError && error.kind === 'missing_api_key')) return { kind: 'unusable', warning: `${entry.route.provider}: ${detail}` };
    // The provider's own message names it and what to do ("Bedrock: no AWS credentials found … — run …").
    const message = `Authentication failed — ${detail.includes(name) || /^(Bedrock|Vertex|Anthropic)\b/.test(detail) ? detail : `${name}: ${detail}`}`;
    return { kind: 'no_credentials', failure: { errorClass: 'auth', errorType: 'missing_credentials', status: null, requestId: null, message, retryAfterMs: null, unknownModel: false } };
  }
}
