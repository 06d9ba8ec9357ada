// Bedrock model identifiers and the scenario model they play.
//
// Bedrock names Anthropic models `anthropic.<api id>[-v<N>[:<M>]]`, optionally
// behind a cross-region inference profile prefix (`global.`, `us.`, `eu.`,
// `apac.`, …) or inside an ARN (`arn:aws:bedrock:…:inference-profile/<id>`).
// A Bedrock request behaves as the scenario's most specific matching entry:
// the id as sent, then without its version suffix, then without its profile
// prefix, and finally the Anthropic API id — so `{"claude-opus-5-5": …}` covers
// every provider, while `{"anthropic.claude-opus-5-5": …}` singles out Bedrock.
import type { Scenario } from './scenario-types';

const BEDROCK_ID = /^(?:(global|[a-z]{2,4}(?:-gov)?)\.)?anthropic\.(claude-[a-z0-9.-]+?)(-v\d+(?::\d+)?)?$/;

export interface BedrockModelId {
  /** The id as the client sent it (ARN resource part when an ARN was sent). */
  readonly sent: string;
  /** The Anthropic API id, e.g. `claude-opus-5-5`. */
  readonly anthropicId: string;
  /** Scenario keys that may describe this model, most specific first. */
  readonly candidates: readonly string[];
}

/** Parses a model id from a Bedrock URL path segment, or explains why it is invalid. */
export function parseBedrockModelId(segment: string): { ok: true; value: BedrockModelId } | { ok: false; message: string } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return { ok: false, message: 'The provided model identifier is invalid.' };
  }
  const sent = decoded.startsWith('arn:') ? decoded.slice(decoded.lastIndexOf('/') + 1) : decoded;
  const match = BEDROCK_ID.exec(sent);
  if (!match) return { ok: false, message: 'The provided model identifier is invalid.' };
  const [, profile, anthropicId, version] = match as unknown as [string, string | undefined, string, string | undefined];
  const prefixed = profile ? `${profile}.` : '';
  const candidates = [
    sent,
    `${prefixed}anthropic.${anthropicId}`,
    `anthropic.${anthropicId}${version ?? ''}`,
    `anthropic.${anthropicId}`,
    anthropicId,
  ];
  return { ok: true, value: { sent, anthropicId, candidates: [...new Set(candidates)] } };
}

/** The scenario model key a Bedrock request plays: the first candidate the scenario names, else the Anthropic id. */
export function scenarioModelKey(scenario: Scenario, id: BedrockModelId): string {
  const named = new Set<string>(Object.keys(scenario.models ?? {}));
  for (const phase of scenario.phases ?? []) {
    for (const key of Object.keys(phase.models ?? {})) named.add(key);
  }
  return id.candidates.find((candidate) => named.has(candidate)) ?? id.anthropicId;
}
