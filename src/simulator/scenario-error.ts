/** A scenario that cannot be used; the message names the offending field. */
export class ScenarioError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(field ? `${field}: ${problem}` : problem);
    this.name = 'ScenarioError';
  }
}
