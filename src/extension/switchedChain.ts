// What "Switch Model" does to the fallback chain: the old primary is kept, as the last
// fallback, rather than silently dropped. Pure, unit-tested.

/**
 * The fallback list after `newPrimary` replaces `oldPrimary`: the old primary appended when the
 * list does not hold it yet (the new primary is left out of the chain's fallbacks by the chain
 * itself); null when nothing needs to change.
 */
export function fallbacksAfterSwitch(oldPrimary: string, fallbacks: readonly string[], newPrimary: string): string[] | null {
  if (oldPrimary === newPrimary || fallbacks.includes(oldPrimary)) return null;
  return [...fallbacks, oldPrimary];
}
