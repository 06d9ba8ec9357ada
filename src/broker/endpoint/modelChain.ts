// The models one endpoint request may be answered by. The rule:
// - no model named: the user's chain;
// - a model of the chain: that model, then the models after it in the chain (a request never
//   climbs back up the chain the user ordered);
// - a model outside the chain (a client's small model for background work, say): that model
//   first, then only the chain's models of the same class or a smaller one (Opus > Sonnet >
//   Haiku), so background work never falls back onto a larger, dearer model; a model whose class
//   is not known falls back on the whole chain.
const CLASSES: ReadonlyArray<readonly [RegExp, number]> = [
  [/opus/i, 3],
  [/sonnet/i, 2],
  [/haiku/i, 1],
];

function classOf(model: string): number | null {
  for (const [pattern, rank] of CLASSES) if (pattern.test(model)) return rank;
  return null;
}

export function modelsForRequest(requested: string | undefined, chain: readonly string[]): string[] {
  if (requested === undefined || requested === '') return [...chain];
  const at = chain.indexOf(requested);
  if (at >= 0) return chain.slice(at);
  const rank = classOf(requested);
  const fallbacks = rank === null ? chain : chain.filter((model) => {
    const other = classOf(model);
    return other !== null && other <= rank;
  });
  return [requested, ...fallbacks.filter((model) => model !== requested)];
}
