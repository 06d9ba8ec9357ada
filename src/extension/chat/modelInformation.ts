// The models the provider offers VS Code (pure). First "Claude (resilient)": the configured
// chain itself, primary first, whichever model answers (VS Code's picker sorts by name and
// selects the first, so this is what a user gets without choosing); its limits are the
// smallest in the chain, so a request that fits it fits every fallback. Then each model of
// the chain, then every other usable model the Models API lists — picking one of those starts
// the chain at that model. Limits and image support come from the API when it gives them, else
// from what current Claude models have.
import type { Catalog, CatalogModel } from '../modelCatalog';
import { modelChoices } from '../modelCatalog';
import type { Translate } from '../translate';
import { CHAIN_MODEL_ID } from './chatIds';
import { shortModelName } from '../../shared/modelNames';

/** `vscode.LanguageModelChatInformation`, as plain data. */
export interface ChatModelInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip: string;
  readonly detail: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: { readonly imageInput: boolean; readonly toolCalling: boolean };
}

/** Limits of a model the API does not describe (the smallest current Claude models have these). */
export const DEFAULT_MAX_INPUT_TOKENS = 200_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 64_000;

function family(id: string): string {
  const match = /claude-(?:\d+-(?:\d+-)?)?([a-z]+)/.exec(id);
  return match ? `claude-${match[1]}` : id;
}

function information(model: CatalogModel, detail: string, tooltip: string): ChatModelInformation {
  return {
    id: model.id,
    name: model.displayName !== model.id || !model.id.includes('claude') ? model.displayName : `Claude ${shortModelName(model.id)}`,
    family: family(model.id),
    version: model.id,
    tooltip,
    detail,
    maxInputTokens: model.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS,
    maxOutputTokens: model.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
    capabilities: { imageInput: model.imageInput ?? true, toolCalling: true },
  };
}

function chainInformation(models: readonly ChatModelInformation[], names: readonly string[], t: Translate): ChatModelInformation {
  return {
    id: CHAIN_MODEL_ID,
    name: t('Claude (resilient)'),
    family: 'claude',
    version: names.join(' → '),
    tooltip: t('Your Resilient Claude chain: {0}, with retries, circuit breakers and fallback.', names.join(' → ')),
    detail: names.join(' → '),
    maxInputTokens: Math.min(...models.map((m) => m.maxInputTokens)),
    maxOutputTokens: Math.min(...models.map((m) => m.maxOutputTokens)),
    capabilities: { imageInput: models.every((m) => m.capabilities.imageInput), toolCalling: true },
  };
}

export function chatModelInformation(catalog: Catalog, chain: readonly string[], t: Translate): ChatModelInformation[] {
  const { chain: inChain, others } = modelChoices(catalog.models, chain);
  const names = chain.map(shortModelName);
  const chainModels = inChain.map((m, i) => {
    const rest = names.filter((_, j) => j !== i);
    const detail = i === 0 ? t('primary') : t('fallback {0}', i);
    const tooltip =
      rest.length === 0
        ? t('{0} through Resilient Claude: retries and circuit breakers.', shortModelName(m.id))
        : t('{0} through Resilient Claude: retries, then falls back to {1}.', shortModelName(m.id), rest.join(', '));
    return information(m, detail, tooltip);
  });
  return [
    ...(chainModels.length > 0 ? [chainInformation(chainModels, names, t)] : []),
    ...chainModels,
    ...others.map((m) =>
      information(m, '', t('{0} through Resilient Claude: retries, then falls back to {1}.', shortModelName(m.id), names.join(', '))),
    ),
  ];
}
