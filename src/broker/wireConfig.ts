// A ManagerConfig crosses the socket as plain JSON: the injected clock and random stay behind,
// and every credential callback of a provider becomes a named secret field. The client resolves
// the secrets per request (requestCredentials.ts: a key change applies at once, and the user's
// own AWS / Google set-up is looked up in the client that asks); the broker keeps them only for
// the request that carries them (lent to its request id while it runs), never writes them anywhere, and
// never looks for credentials of its own (ambientCredentials: false).
import { createHash } from 'node:crypto';
import type { CredentialRequest, ManagerConfig, ProviderConfig } from '../core/contract';
import type { ProviderId } from '../shared/vocabulary';
import type { ProviderSecrets, WireManagerConfig, WireProvider } from './protocol';

const NOT_SENT = new Set(['clock', 'random', 'clientName']);

/** Every field a request may carry a credential in (the client fills them from its own set-up). */
export const CREDENTIAL_FIELDS = ['apiKey', 'awsAccessKeyId', 'awsSecretAccessKey', 'awsSessionToken'] as const;

/** The variable each provider's SDK reads its endpoint from when none is configured. */
const BASE_URL_ENV: Readonly<Record<ProviderId, string>> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  bedrock: 'ANTHROPIC_BEDROCK_BASE_URL',
  vertex: 'ANTHROPIC_VERTEX_BASE_URL',
};

/**
 * The configuration without functions; a provider's callbacks are listed in `secretFields`. An
 * endpoint the SDK would take from the client's environment is named (the broker has none).
 */
export function toWireConfig(config: ManagerConfig, env: Readonly<Record<string, string | undefined>> = process.env): WireManagerConfig {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (NOT_SENT.has(key) || typeof value === 'function') continue;
    if (key === 'providers') continue;
    out[key] = value;
  }
  const providers: WireProvider[] = config.providers.map((provider) => {
    const plain: Record<string, unknown> = {};
    const secretFields: string[] = [];
    for (const [key, value] of Object.entries(provider)) {
      if (typeof value === 'function') secretFields.push(key);
      else if (value !== undefined) plain[key] = value;
    }
    const fromEnv = env[BASE_URL_ENV[provider.id]];
    if (plain['baseURL'] === undefined && fromEnv && /^https?:\/\//.test(fromEnv)) plain['baseURL'] = fromEnv;
    return { ...plain, id: provider.id, secretFields };
  });
  return { ...out, providers };
}

/** Stable text of a JSON value (object keys sorted), so equal settings give equal identities. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The identity of a configuration: windows with the same settings (endpoints, chain, policies)
 * share one manager; a window using a gateway and one using the API never do.
 */
export function configIdentity(config: WireManagerConfig): string {
  return `m_${createHash('sha256').update(stableJson(config)).digest('hex').slice(0, 24)}`;
}

/** The credentials of the requests running now, by request id (lent by `lendSecrets`), read by the
 *  callbacks below with the request the manager asks for. (Not AsyncLocalStorage: its promise hooks
 *  would tax every promise of the broker, the local endpoint's included.) */
const lentSecrets = new Map<string, ProviderSecrets>();

/** Lends a request's own credentials to its id until the returned release is called (when the
 *  request has ended); null when a request with this id is running already. */
export function lendSecrets(clientRequestId: string, secrets: ProviderSecrets): (() => void) | null {
  if (lentSecrets.has(clientRequestId)) return null;
  lentSecrets.set(clientRequestId, secrets);
  return () => lentSecrets.delete(clientRequestId);
}

/**
 * The broker-side config: JSON from the wire, with each credential field a callback that answers
 * the credential of whichever request calls it. Validate the result with validateManagerConfig,
 * then apply `withoutAmbientCredentials`.
 */
export function fromWireConfig(wire: WireManagerConfig, clientName: string): Record<string, unknown> {
  const providers = wire.providers.map((provider, index) => {
    const { secretFields, ...plain } = provider;
    const callbacks: Record<string, (request?: CredentialRequest) => string | undefined> = {};
    for (const field of new Set([...secretFields, ...CREDENTIAL_FIELDS])) {
      callbacks[field] = (request) => (request === undefined ? undefined : lentSecrets.get(request.clientRequestId)?.[index]?.[field]);
    }
    return { ...plain, ...callbacks } as unknown as ProviderConfig;
  });
  return { ...wire, providers, clientName };
}

/** The broker's providers use only what each request carries: no chain of the broker's own. */
export function withoutAmbientCredentials(config: ManagerConfig): ManagerConfig {
  return { ...config, providers: config.providers.map((provider) => ({ ...provider, ambientCredentials: false })) };
}
