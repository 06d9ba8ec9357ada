// The shipped scenarios are tuned for benchmarks: thousands of requests a minute, where 8% resets
// or a 20 requests/min limit show plainly. A person in the editor asks a question every few
// seconds, and at that pace flaky-network's retries hide every fault and rate-limit-storm's limits
// are never reached. The editor's rehearsal plays those two with scripted faults on top, so each
// question shows one. Written for the role models (cast onto the user's chain afterwards). Pure.
import type { ModelBehavior, Outcome, Scenario } from '../simulator/scenario-types';

/** Enough questions for a long look: after them the scenario's own probabilities go on alone. */
const SCRIPTED_QUESTIONS = 40;

/** fault, ok, fault, ok …: each question's first attempt meets a fault and its retry is answered. */
function everyOtherAttempt(faults: readonly Outcome[]): Outcome[] {
  const sequence: Outcome[] = [];
  for (let i = 0; i < SCRIPTED_QUESTIONS; i += 1) sequence.push(faults[i % faults.length]!, 'ok');
  return sequence;
}

interface Pace {
  readonly note: string;
  readonly defaults?: ModelBehavior;
  readonly models?: Readonly<Record<string, ModelBehavior>>;
}

const PACES: Readonly<Record<string, Pace>> = {
  'flaky-network': {
    note: 'In the editor every question first meets one of these faults (a reset, a proxy HTML 502, a JSON 502), so each shows its retry.',
    defaults: { sequence: everyOtherAttempt(['reset', 'html502', '502']) },
  },
  'rate-limit-storm': {
    note:
      'In the editor the limits fit a person: the primary model allows 3 requests/min (retry-after 8 s) and answers every other request with a 429 (retry-after 1 s); the fallbacks allow 6/min.',
    defaults: { rateLimit: { requestsPerMinute: 6, retryAfterS: 3 } },
    models: { 'claude-opus-5-5': { rateLimit: { requestsPerMinute: 3, retryAfterS: 8 }, sequence: ['ok', ...everyOtherAttempt(['429'])] } },
  },
};

/** The scenario as the editor's rehearsal plays it (unchanged for scenarios that already show at a human pace). */
export function atHumanPace(scenario: Scenario, name: string): Scenario {
  const pace = PACES[name];
  if (pace === undefined) return scenario;
  const models: Record<string, ModelBehavior> = { ...scenario.models };
  for (const [model, behavior] of Object.entries(pace.models ?? {})) models[model] = { ...models[model], ...behavior };
  return {
    ...scenario,
    description: [scenario.description, pace.note].filter((part) => part !== undefined && part !== '').join(' '),
    defaults: { ...scenario.defaults, ...pace.defaults },
    models,
  };
}
