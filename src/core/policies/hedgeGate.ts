// Whether a late first token may be hedged now: a pure check of everything
// that must hold, answering with the first reason it may not. A hedge is a
// second request beside the first, so it stays out of every situation where
// extra load would hurt or a duplicate would matter.

/** Why a hedge was not started. */
export type HedgeRefusal =
  | 'disabled'
  /** At most one hedge per request. */
  | 'already_hedged'
  /** The route's hedge budget (a few percent of its requests) is spent. */
  | 'budget'
  /** The route's retry budget is nearly spent: it is failing beyond a blip. */
  | 'retry_alarm'
  /** The route's breaker is not closed, or other requests are failing on it too. */
  | 'outage'
  /** The route is held by a rate limit. */
  | 'held'
  /** The request runs server-side tools or MCP servers: a duplicate could act twice. */
  | 'not_duplicable'
  /** The route has no history of first-token times yet and the response is alive (its body has
   *  started: message_start, pings): a slow start is not mistaken for a stall on a guess. */
  | 'cold_alive'
  /** No concurrency slot is free at once: a hedge never queues and never exceeds the cap. */
  | 'no_slot';

export interface HedgeView {
  readonly enabled: boolean;
  readonly hedgedAlready: boolean;
  readonly duplicable: boolean;
  readonly outage: boolean;
  readonly held: boolean;
  readonly retryAlarm: boolean;
  readonly budgetAvailable: boolean;
  /** The route's first-token times are not learned yet. */
  readonly cold: boolean;
  /** The late attempt's body has started. */
  readonly bodyStarted: boolean;
}

export function hedgeRefusal(view: HedgeView): HedgeRefusal | null {
  if (!view.enabled) return 'disabled';
  if (view.hedgedAlready) return 'already_hedged';
  if (!view.duplicable) return 'not_duplicable';
  if (view.cold && view.bodyStarted) return 'cold_alive';
  if (view.outage) return 'outage';
  if (view.held) return 'held';
  if (view.retryAlarm) return 'retry_alarm';
  if (!view.budgetAvailable) return 'budget';
  return null;
}

/** Tools the API runs itself (each run costs and may act); client tools (custom, bash, text
 *  editor, memory, computer) only ever run on the caller's side. */
const SERVER_TOOL = /^(web_search|web_fetch|code_execution|tool_search)/;

/** A Messages request is free of side effects unless it asks the server to run tools for it
 *  (server tools such as web search or code execution, or MCP servers). */
export function isDuplicable(request: { readonly tools?: readonly unknown[] | undefined; readonly mcp_servers?: readonly unknown[] | undefined }): boolean {
  if (Array.isArray(request.mcp_servers) && request.mcp_servers.length > 0) return false;
  for (const tool of request.tools ?? []) {
    if (typeof tool !== 'object' || tool === null) continue;
    const type = (tool as { type?: unknown }).type;
    if (typeof type === 'string' && SERVER_TOOL.test(type)) return false;
  }
  return true;
}
