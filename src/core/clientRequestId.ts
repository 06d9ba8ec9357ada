// Our id for one request (send/stream): every attempt, event and outcome of the request
// carries it, and each attempt sends it as `x-client-request-id`. Callers may choose it
// (to match events to the request before the first one arrives); otherwise it is generated.

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function newClientRequestId(): string {
  // The first 24 hex digits of a random UUID (8-4-4-4-12), its dashes left out.
  const uuid = globalThis.crypto.randomUUID();
  return `rc_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24, 28)}`;
}

/** Null when `id` can name a request (it travels in an HTTP header), else why not. */
export function clientRequestIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return `clientRequestId must be a string (got ${typeof id}).`;
  if (!CLIENT_REQUEST_ID.test(id)) {
    return `clientRequestId must be 1 to 128 letters, digits, '.', '_', ':' or '-' (got ${id.length} characters${id.length > 0 ? ` starting ${JSON.stringify(id.slice(0, 12))}` : ''}).`;
  }
  return null;
}
