// The one test for "a JSON object": what every validator of data from outside (wire, files,
// messages, settings) asks before it reads a field.

/** A non-null object that is not an array (a parsed `{…}`, an error, an SDK part). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
