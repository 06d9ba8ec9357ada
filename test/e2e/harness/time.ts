// The e2e suites' one pause: between polls of a state, never instead of waiting for one.
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
