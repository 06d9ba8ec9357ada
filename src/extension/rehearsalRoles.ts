// The shipped rehearsal scenarios are written for the default chain: claude-opus-5-5 plays the
// primary, claude-sonnet-5-5 the first fallback, claude-haiku-5-5 the second. Before a scenario is
// handed to the simulator its roles are cast onto the user's own chain, so "primary-outage" takes
// down whichever model the user made primary. Pure (no vscode import), unit-tested.
import type { ModelBehavior, Scenario, ScenarioPhase, StatusPageSpec } from '../simulator/scenario-types';

/** The models the shipped scenarios name, in chain order: primary, first fallback, second fallback. */
export const SCENARIO_ROLES = ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5'] as const;

/** Which model plays each role model of the scenario, for this chain (role models without a slot keep their name). */
export function roleCasting(chain: readonly string[]): Map<string, string> {
  const casting = new Map<string, string>();
  SCENARIO_ROLES.forEach((role, index) => {
    const model = chain[index];
    if (model !== undefined) casting.set(role, model);
  });
  return casting;
}

function recastModels(models: Record<string, ModelBehavior> | undefined, casting: ReadonlyMap<string, string>): Record<string, ModelBehavior> | undefined {
  if (models === undefined) return undefined;
  const cast = new Set(casting.values());
  const out: Record<string, ModelBehavior> = {};
  // A model that is not a role keeps its behaviour unless a role was cast onto it.
  for (const [model, behavior] of Object.entries(models)) {
    if (!casting.has(model) && !cast.has(model)) out[model] = behavior;
  }
  for (const [model, behavior] of Object.entries(models)) {
    const actor = casting.get(model);
    if (actor !== undefined) out[actor] = behavior;
  }
  return out;
}

function recastText(text: string | undefined, casting: ReadonlyMap<string, string>): string | undefined {
  if (text === undefined) return undefined;
  const pattern = new RegExp([...casting.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return casting.size === 0 ? text : text.replace(pattern, (role) => casting.get(role) ?? role);
}

function recastStatusPage(page: StatusPageSpec | undefined, casting: ReadonlyMap<string, string>): StatusPageSpec | undefined {
  if (page === undefined) return undefined;
  const description = recastText(page.description, casting);
  return {
    ...page,
    ...(description !== undefined ? { description } : {}),
    ...(page.incidents !== undefined
      ? {
          incidents: page.incidents.map((incident) => {
            const body = recastText(incident.body, casting);
            return { ...incident, name: recastText(incident.name, casting) ?? incident.name, ...(body !== undefined ? { body } : {}) };
          }),
        }
      : {}),
  };
}

/**
 * The scenario with its role models replaced by the chain's models (simultaneously, so swaps work),
 * in its behaviour, its description and its status page. A chain model that `isKnown` rejects (a
 * typo such as "claude-opus-99", or another vendor's "gpt-4o") answers 404 not_found_error, as the
 * API would: the rehearsal never answers from a model that does not exist.
 */
export function castScenario(scenario: Scenario, chain: readonly string[], isKnown: (model: string) => boolean = () => true): Scenario {
  const casting = roleCasting(chain);
  const phases = scenario.phases?.map((phase): ScenarioPhase => {
    const statusPage = recastStatusPage(phase.statusPage, casting);
    return {
      ...phase,
      ...(phase.models !== undefined ? { models: recastModels(phase.models, casting) } : {}),
      ...(statusPage !== undefined ? { statusPage } : {}),
    };
  });
  let models = recastModels(scenario.models, casting);
  const unknown = chain.filter((model) => !isKnown(model));
  if (unknown.length > 0) {
    models = { ...models };
    for (const model of unknown) models[model] = { ...models[model], unknown: true };
  }
  const description = recastText(scenario.description, casting);
  const statusPage = recastStatusPage(scenario.statusPage, casting);
  return {
    ...scenario,
    ...(description !== undefined ? { description } : {}),
    ...(models !== undefined ? { models } : {}),
    ...(phases !== undefined ? { phases } : {}),
    ...(statusPage !== undefined ? { statusPage } : {}),
  };
}
