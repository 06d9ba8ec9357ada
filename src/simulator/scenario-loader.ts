import { readFileSync } from 'node:fs';
import { ScenarioError } from './scenario-error';
import { validateScenario } from './scenario-validation';
import { SHIPPED_SCENARIOS, SHIPPED_SCENARIO_NAMES } from './shipped-scenarios';
import type { Scenario } from './scenario-types';

/**
 * Loads a shipped scenario by name ("brownout") or a JSON scenario file by path.
 * Throws ScenarioError naming the bad field when the scenario is invalid.
 */
export function loadScenario(pathOrName: string): Scenario {
  const shipped = SHIPPED_SCENARIOS[pathOrName];
  if (shipped !== undefined) return validateScenario(shipped);
  let text: string;
  try {
    text = readFileSync(pathOrName, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    throw new ScenarioError(
      '',
      `unknown scenario "${pathOrName}" (${reason}); use a shipped name (${SHIPPED_SCENARIO_NAMES.join(', ')}) or a path to a JSON file`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ScenarioError('', `${pathOrName} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return validateScenario(parsed);
  } catch (err) {
    if (err instanceof ScenarioError) {
      throw new ScenarioError(err.field, `${err.problem} (in ${pathOrName})`);
    }
    throw err;
  }
}

/** Resolves what SimulatorOptions.scenario and setScenario accept. */
export function resolveScenario(scenario: Scenario | string): Scenario {
  return typeof scenario === 'string' ? loadScenario(scenario) : validateScenario(scenario);
}

/** Resolves a shipped scenario's name only: a path or a scenario object is refused. */
export function resolveShippedScenario(scenario: Scenario | string): Scenario {
  if (typeof scenario === 'string' && SHIPPED_SCENARIOS[scenario] !== undefined) return loadScenario(scenario);
  const what = typeof scenario === 'string' ? `"${scenario}"` : 'a scenario object';
  throw new ScenarioError('', `${what} is not a shipped scenario; use one of ${SHIPPED_SCENARIO_NAMES.join(', ')}`);
}
