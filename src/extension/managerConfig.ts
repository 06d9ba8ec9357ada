// Pure translation of the extension's settings (and where requests go right now)
// into the request manager's configuration.
import type { ManagerConfig } from '../core/contract';
import { modelChain } from './settings';
import type { ExtensionSettings } from './settings';

/** Where requests go: the configured API (or gateway), or the rehearsal simulator. */
export interface Endpoint {
  /** undefined = the SDK's default (https://api.anthropic.com). */
  readonly baseURL: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Read per attempt so a key change applies at once. */
  readonly apiKey: () => Promise<string | undefined>;
}

export function endpointFromSettings(settings: ExtensionSettings, apiKey: Endpoint['apiKey']): Endpoint {
  return { baseURL: settings.baseUrl === '' ? undefined : settings.baseUrl, headers: settings.headers, apiKey };
}

/**
 * The model chain with the models the user asked to avoid for now ("Use Fallback Now")
 * moved to the end, so they are tried only when nothing else is available.
 */
export function effectiveChain(settings: ExtensionSettings, demoted: ReadonlySet<string>): string[] {
  const chain = modelChain(settings);
  return [...chain.filter((m) => !demoted.has(m)), ...chain.filter((m) => demoted.has(m))];
}

export function buildManagerConfig(
  base: ManagerConfig,
  settings: ExtensionSettings,
  endpoint: Endpoint,
  demoted: ReadonlySet<string>,
  clientName: string,
): ManagerConfig {
  const openMs = settings.openSeconds * 1000;
  return {
    ...base,
    models: effectiveChain(settings, demoted),
    providers: [
      {
        id: 'anthropic',
        ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
        headers: { ...endpoint.headers },
        apiKey: endpoint.apiKey,
      },
    ],
    retry: {
      ...base.retry,
      maxAttempts: settings.maxAttempts,
      maxAttemptsPerRoute: Math.min(base.retry.maxAttemptsPerRoute, settings.maxAttempts),
      deadlineMs: settings.deadlineSeconds * 1000,
    },
    breaker: {
      ...base.breaker,
      failureThreshold: settings.failureThreshold,
      openMs,
      maxOpenMs: Math.max(base.breaker.maxOpenMs, openMs),
    },
    concurrency: settings.concurrency,
    clientName,
  };
}
