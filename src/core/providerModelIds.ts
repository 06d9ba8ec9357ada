// A provider's own model ids: routes keep the API's model id (what breakers, history and
// the status bar show); only the request on the wire carries the provider's id
// (resilientClaude.bedrock.modelIds / resilientClaude.vertex.modelIds).
import type { ProviderConfig } from './contract';
import type { AttemptRequestOptions, MessagesClient, StreamParams } from './wire';

/** The configured override for an API model id, or the id itself. */
export function mappedModelId(provider: Pick<ProviderConfig, 'modelIds'>, model: string): string {
  const mapped = provider.modelIds?.[model];
  return mapped !== undefined && mapped !== '' ? mapped : model;
}

/** The client with each request's model id translated by `toProvider`. */
export function withModelIds(inner: MessagesClient, toProvider: (model: string) => string): MessagesClient {
  return {
    messages: {
      create: (params: StreamParams, options: AttemptRequestOptions) =>
        inner.messages.create({ ...params, model: toProvider(params.model) }, options),
    },
  };
}
