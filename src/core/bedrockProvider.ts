// Amazon Bedrock as a provider: the official Bedrock SDK (loaded on first use,
// maxRetries: 0) behind the manager's MessagesClient slice. Routes keep the
// Anthropic model id; it becomes a Bedrock id only on the wire. Bedrock's
// responses are made readable by the one classifier at the transport: its
// `x-amzn-requestid` becomes the `request-id` the SDK reads, and its error
// bodies (`{"message"}` + `x-amzn-ErrorType`) take the API's error shape.
import { missingAwsCredentialsMessage, resolveBedrockAuth } from './awsCredentials';
import type { AwsCredentialChains, BedrockAuth } from './awsCredentials';
import type { CredentialRequest, ProviderConfig } from './contract';
import { withModelIds } from './providerModelIds';
import { sdkClientOptions } from './providerClientSetup';
import type { ProviderClientSetup } from './providerClientSetup';
import type { MessagesClient } from './wire';
import { isRecord } from '../shared/isRecord';

/** Cross-region inference profile used for an API model id without a configured mapping. */
export const DEFAULT_BEDROCK_PROFILE = 'global';

const BEDROCK_ID = /^(arn:|(?:[a-z]{2,6}(?:-gov)?\.)?anthropic\.)/;

/** The Bedrock model id for an API model id: the configured map, an id that is already Bedrock's, or `global.anthropic.<id>`. */
export function bedrockModelId(provider: Pick<ProviderConfig, 'modelIds'>, model: string): string {
  const mapped = provider.modelIds?.[model];
  if (mapped) return mapped;
  if (BEDROCK_ID.test(model)) return model;
  return `${DEFAULT_BEDROCK_PROFILE}.anthropic.${model}`;
}

async function call(source: ProviderConfig['awsAccessKeyId'], request: CredentialRequest | undefined): Promise<string> {
  return ((await source?.(request)) ?? '').trim();
}

/** Reads the credentials (per attempt, so a change applies at once) and prepares the client. */
export async function bedrockSetup(provider: ProviderConfig, apiKey: string, chains: AwsCredentialChains, request?: CredentialRequest): Promise<ProviderClientSetup> {
  if (!provider.region) return { ok: false, kind: 'provider_config', message: 'Bedrock: no region is set (resilientClaude.bedrock.region).' };
  const inputs = {
    apiKey,
    accessKeyId: await call(provider.awsAccessKeyId, request),
    secretAccessKey: await call(provider.awsSecretAccessKey, request),
    sessionToken: await call(provider.awsSessionToken, request),
    profile: (provider.awsProfile ?? '').trim(),
  };
  if (provider.ambientCredentials === false && apiKey === '' && (inputs.accessKeyId === '' || inputs.secretAccessKey === '')) {
    return { ok: false, kind: 'missing_api_key', message: missingAwsCredentialsMessage(inputs.profile, '') };
  }
  const resolved = await resolveBedrockAuth(inputs, chains);
  if (!resolved.ok) return { ok: false, kind: 'missing_api_key', message: resolved.message };
  const { auth } = resolved;
  const region = provider.region;
  return {
    ok: true,
    identity: JSON.stringify([region, auth.kind === 'bearer' ? auth.token : auth.identity]),
    secret: auth.kind === 'bearer' ? auth.token : auth.credentials.secretAccessKey,
    make: (headersTimeoutMs) => makeBedrockClient(provider, region, auth, headersTimeoutMs),
  };
}

async function makeBedrockClient(provider: ProviderConfig, region: string, auth: BedrockAuth, headersTimeoutMs: number): Promise<MessagesClient> {
  const { AnthropicBedrock } = await import('@anthropic-ai/bedrock-sdk');
  const common = {
    ...sdkClientOptions(provider, headersTimeoutMs),
    awsRegion: region,
    fetch: bedrockFetch,
  };
  const client =
    auth.kind === 'bearer'
      ? new AnthropicBedrock({ ...common, apiKey: auth.token })
      : // Signed per request with what the provider hands out then (the chain refreshes expiring credentials).
        new AnthropicBedrock({ ...common, apiKey: null, providerChainResolver: async () => auth.provider });
  // The SDK's overloaded signatures are wider than the slice the manager uses.
  return withModelIds(client as unknown as MessagesClient, (model) => bedrockModelId(provider, model));
}

/** `{"message": …}` + `x-amzn-ErrorType` → the API's `{"type":"error","error":{type,message}}`. */
function apiShapedError(text: string, exception: string, requestId: string | null): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(body) || 'error' in body) return null;
  const message = typeof body['message'] === 'string' ? body['message'] : typeof body['Message'] === 'string' ? body['Message'] : exception;
  // A missing model is what the API calls not_found_error: the manager skips that route.
  const type = exception === 'ResourceNotFoundException' ? 'not_found_error' : exception;
  const detail = type === exception ? message : `${exception}: ${message}`;
  return JSON.stringify({ type: 'error', error: { type, message: detail }, ...(requestId ? { request_id: requestId } : {}) });
}

async function bedrockFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  const requestId = response.headers.get('x-amzn-requestid') ?? response.headers.get('x-amz-request-id');
  const exception = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? '';
  const needsId = requestId !== null && !response.headers.has('request-id');
  const reshape = !response.ok && exception !== '' && /json/i.test(response.headers.get('content-type') ?? '');
  if (!needsId && !reshape) return response;
  const headers = new Headers(response.headers);
  if (needsId) headers.set('request-id', requestId);
  let body: BodyInit | null = response.body;
  if (reshape) {
    const text = await response.text();
    body = apiShapedError(text, exception, requestId) ?? text;
    headers.delete('content-length');
  }
  const adapted = new Response(body, { status: response.status, statusText: response.statusText, headers });
  Object.defineProperty(adapted, 'url', { value: response.url });
  return adapted;
}
