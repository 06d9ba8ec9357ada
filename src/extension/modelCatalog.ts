// The models offered by the switcher: the API's model list (GET /v1/models via
// the SDK, every page of it, loaded lazily with the current key and base URL), or
// the configured chain when the API cannot be reached.
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';
import { sdkLogger } from '../core/sdkLog';
import { registerSecrets } from '../core/secretRegistry';
import type { Endpoint } from './managerConfig';

export type ModelLifecycle = 'active' | 'deprecated' | 'retired';

export interface CatalogModel {
  readonly id: string;
  readonly displayName: string;
  /** null when unknown (the model came from the settings, not the API). */
  readonly lifecycle: ModelLifecycle | null;
  /** Scheduled retirement (RFC 3339), when the API gives one. */
  readonly retiresAt: string | null;
  /** Context window and answer cap, when the API gives them (the chat provider reports them). */
  readonly maxInputTokens?: number | null;
  readonly maxOutputTokens?: number | null;
  /** Whether the model accepts image blocks, when the API says. */
  readonly imageInput?: boolean | null;
}

export interface Catalog {
  readonly models: readonly CatalogModel[];
  /** 'api' when the list came from the Models API; otherwise why it did not. */
  readonly source: 'api' | 'no_key' | 'unreachable';
}

const LIST_TIMEOUT_MS = 5000;

function fromSettings(id: string): CatalogModel {
  return { id, displayName: id, lifecycle: null, retiresAt: null };
}

async function loadSdk() {
  return (await import('@anthropic-ai/sdk')).Anthropic;
}

/** The SDK's client, as its lazy import types it. */
type ModelsClient = InstanceType<Awaited<ReturnType<typeof loadSdk>>>;

/** An SDK client for the Models API at `endpoint` (no retries, a short timeout), or undefined without a key. */
export async function modelsApiClient(endpoint: Endpoint): Promise<ModelsClient | undefined> {
  const apiKey = await endpoint.apiKey();
  if (apiKey === undefined) return undefined;
  registerSecrets(apiKey);
  const Anthropic = await loadSdk();
  return new Anthropic({
    apiKey,
    ...(endpoint.baseURL !== undefined ? { baseURL: endpoint.baseURL } : {}),
    defaultHeaders: { ...endpoint.headers },
    maxRetries: 0,
    timeout: LIST_TIMEOUT_MS,
    logger: sdkLogger(),
    logLevel: 'warn',
  });
}

/** The most models read from the list: a server that never says the list is done cannot keep us reading. */
export const MAX_LISTED_MODELS = 5000;

/** Every model the Models API lists, page after page (a page holds at most 1000), up to MAX_LISTED_MODELS. */
export async function listAllModels(client: ModelsClient): Promise<ModelInfo[]> {
  const models: ModelInfo[] = [];
  for await (const model of client.models.list({ limit: 1000 })) {
    models.push(model);
    if (models.length >= MAX_LISTED_MODELS) break;
  }
  return models;
}

export async function loadCatalog(endpoint: Endpoint, configuredChain: readonly string[]): Promise<Catalog> {
  const fallback = configuredChain.map(fromSettings);
  const client = await modelsApiClient(endpoint);
  if (client === undefined) return { models: fallback, source: 'no_key' };
  try {
    const models: CatalogModel[] = (await listAllModels(client)).map((m) => ({
      id: m.id,
      displayName: m.display_name || m.id,
      lifecycle: m.lifecycle ?? null,
      retiresAt: m.retires_at ?? null,
      maxInputTokens: m.max_input_tokens ?? null,
      maxOutputTokens: m.max_tokens ?? null,
      imageInput: m.capabilities?.image_input?.supported ?? null,
    }));
    return { models, source: 'api' };
  } catch {
    return { models: fallback, source: 'unreachable' };
  }
}

export interface ModelChoices {
  /** The configured chain, in order, each with what the API says about it. */
  readonly chain: readonly CatalogModel[];
  /** Every other model the API offers that can still be used, newest first as listed. */
  readonly others: readonly CatalogModel[];
}

/**
 * Orders the switcher: the chain first (a chain model missing from the API list still shows),
 * then the other usable models. Retired models are offered only if already in the chain,
 * so the user sees why requests to them fail.
 */
export function modelChoices(catalog: readonly CatalogModel[], chain: readonly string[]): ModelChoices {
  const byId = new Map(catalog.map((m) => [m.id, m]));
  return {
    chain: chain.map((id) => byId.get(id) ?? fromSettings(id)),
    others: catalog.filter((m) => !chain.includes(m.id) && m.lifecycle !== 'retired'),
  };
}
