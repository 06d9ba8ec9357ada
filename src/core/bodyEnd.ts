// After message_stop the answer is whole, but the response body may still have its last bytes
// (the end of a chunked body) on the way. Cutting it there costs its connection: the next request
// opens a new one. So a finished answer's body is read to its end in the background, and cut
// only when the server keeps it open (or sends more) beyond a short grace.

/** How long a finished answer's body may take to end before its connection is given up. */
export const BODY_END_GRACE_MS = 2_000;

export function releaseAfterStop(rest: AsyncIterator<unknown>, cut: () => void, graceMs = BODY_END_GRACE_MS): void {
  // A plain timer, not the attempt's clock: this is the connection's hygiene, not a policy, and it
  // must not hold the process open.
  const timer = setTimeout(cut, graceMs);
  timer.unref();
  rest.next().then(
    (step) => {
      clearTimeout(timer);
      if (step.done !== true) cut();
    },
    () => {
      clearTimeout(timer);
      cut();
    },
  );
}
