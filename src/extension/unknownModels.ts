// Which configured model ids the Models API does not know (a typo such as "claude-opus-99", another
// vendor's "gpt-4o"), and the one notice that names them with the setting each is set in. Pure.
import type { Translate } from './translate';

export interface ModelSetting {
  /** The full setting name, e.g. resilientClaude.fallbackModels. */
  readonly setting: string;
  readonly model: string;
}

/** Every model id the settings name, with where: the primary, each fallback, the batch model. */
export function modelSettings(models: { readonly model: string; readonly fallbackModels: readonly string[] }, batchModel: string): ModelSetting[] {
  const named: ModelSetting[] = [
    { setting: 'resilientClaude.model', model: models.model },
    ...models.fallbackModels.map((model) => ({ setting: 'resilientClaude.fallbackModels', model })),
  ];
  if (batchModel !== '') named.push({ setting: 'resilientClaude.batch.model', model: batchModel });
  return named;
}

/** The settings that name one of the `unknown` models, in settings order. */
export function unknownModelSettings(named: readonly ModelSetting[], unknown: ReadonlySet<string>): ModelSetting[] {
  return named.filter((n) => unknown.has(n.model));
}

/** 'api': the Models API's list; 'rehearsal': the rehearsal simulator's (which plays the Models API). */
export type ModelListSource = 'api' | 'rehearsal';

export function unknownModelsNotice(unknown: readonly ModelSetting[], source: ModelListSource, t: Translate): string {
  const names = unknown.map((u) => t('"{0}" ({1})', u.model, u.setting)).join(', ');
  return unknown.length === 1
    ? source === 'api'
      ? t('Resilient Claude: {0} is not a model the Models API lists; requests to it fail with "model not found". Pick a listed model.', names)
      : t("Resilient Claude: {0} is not a model the rehearsal's simulator lists (it plays the Models API); requests to it fail with \"model not found\".", names)
    : source === 'api'
      ? t('Resilient Claude: {0} are not models the Models API lists; requests to them fail with "model not found". Pick listed models.', names)
      : t("Resilient Claude: {0} are not models the rehearsal's simulator lists (it plays the Models API); requests to them fail with \"model not found\".", names);
}
