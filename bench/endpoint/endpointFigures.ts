// What the endpoint benchmark measures, and the lines that report it.
import { percentile } from '../lib/percentile';

/** One lane: N concurrent `claude -p` sessions, straight to the API or through one endpoint. */
export interface ClaudeCodeLane {
  readonly sessions: number;
  readonly answered: number;
  /** Time per session from its start (ms) until it printed its answer or gave up, in session order. */
  readonly timesMs: readonly number[];
  /** Time to answer per answered session (ms). */
  readonly answeredMs: readonly number[];
  /** The slowest session (ms): when the last of them had its answer, or gave up. */
  readonly maxMs: number;
  /** Requests the upstream saw on /v1/messages, and of those the 429s and 529s. */
  readonly upstreamAttempts: number;
  readonly upstream429: number;
  readonly upstream529: number;
}

export interface ClaudeCodeComparison {
  /** "primary-outage", "rate-limit-storm"… */
  readonly scenario: string;
  readonly description: string;
  readonly alone: ClaudeCodeLane;
  readonly endpoint: ClaudeCodeLane;
}

/** The endpoint's cost: the same streamed requests with the SDK straight to the simulator, on our
 *  manager in the measuring process, and with the SDK through the endpoint. */
export interface EndpointOverhead {
  readonly requests: number;
  /** `serve` in its own process (dist/cli.js built), or the endpoint in the measuring process. */
  readonly endpointAs: 'serve process' | 'in-process';
  readonly p50DirectMs: number;
  readonly p50EndpointMs: number;
  readonly ttftP50DirectMs: number;
  readonly ttftP50EndpointMs: number;
  /** p50 through the endpoint − p50 of the SDK alone (goal ≤ 2 ms), and the same for the time to first token. */
  readonly addedP50Ms: number;
  readonly addedTtftMs: number;
  /** Our manager alone, in the measuring process (absent in results from before it was measured). */
  readonly p50ManagerMs?: number;
  readonly ttftP50ManagerMs?: number;
  /** Through the endpoint − the manager alone: what the HTTP door adds (its server, its relay of the
   *  events, and the client's second SDK reading them). */
  readonly addedOverManagerP50Ms?: number;
  readonly addedOverManagerTtftMs?: number;
  /** Beside `serve` only: what a bare relay in its own process that holds the head until the first
   *  content (bareRelay.ts) adds over the SDK alone — the share of the cost the extra hop and the
   *  head rule take by themselves. */
  readonly addedByBareRelayP50Ms?: number;
  readonly addedByBareRelayTtftMs?: number;
}

export interface EndpointBenchFigures {
  readonly claudeCodeVersion: string | null;
  /** Why Claude Code was not run (it could not be provisioned), or null. */
  readonly claudeCodeNotRun: string | null;
  readonly comparisons: readonly ClaudeCodeComparison[];
  /** The endpoint in the measuring process. */
  readonly overhead: EndpointOverhead;
  /** `serve` in its own process; null when dist/cli.js is not built. */
  readonly overheadServed: EndpointOverhead | null;
}

const ADDED_GOAL_MS = 2;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50) ?? 0;
}

/** alone ÷ endpoint, as "4.2×" (or "—" when either is 0). */
function ratio(alone: number, endpoint: number): string {
  return alone > 0 && endpoint > 0 ? `${(alone / endpoint).toFixed(1)}×` : '—';
}

function medianAnswer(lane: ClaudeCodeLane): string {
  return lane.answeredMs.length === 0 ? '—' : seconds(median(lane.answeredMs));
}

function laneCells(lane: ClaudeCodeLane): string[] {
  return [
    `${lane.answered}/${lane.sessions}`,
    medianAnswer(lane),
    seconds(lane.maxMs),
    String(lane.upstreamAttempts),
    String(lane.upstream429),
    String(lane.upstream529),
  ];
}

/** A Markdown table: each scenario's two lanes side by side, with the ratios. */
export function claudeCodeTable(comparisons: readonly ClaudeCodeComparison[]): string[] {
  const lines = [
    '| Scenario | Claude Code | Answered | Median time to answer | All done (answered or gave up) | Upstream attempts | 429s | 529s |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of comparisons) {
    lines.push(`| ${c.scenario} (${c.alone.sessions} session${c.alone.sessions === 1 ? '' : 's'}) | alone | ${laneCells(c.alone).join(' | ')} |`);
    lines.push(`| | through the endpoint | ${laneCells(c.endpoint).join(' | ')} |`);
    lines.push(
      `| | **alone ÷ endpoint** | | ${ratio(median(c.alone.answeredMs), median(c.endpoint.answeredMs))} | ${ratio(c.alone.maxMs, c.endpoint.maxMs)} | ${ratio(c.alone.upstreamAttempts, c.endpoint.upstreamAttempts)} | ${ratio(c.alone.upstream429, c.endpoint.upstream429)} | |`,
    );
  }
  return lines;
}

export function overheadLine(o: EndpointOverhead): string {
  const met = o.addedP50Ms <= ADDED_GOAL_MS && o.addedTtftMs <= ADDED_GOAL_MS ? 'within' : 'ABOVE';
  const manager =
    o.p50ManagerMs !== undefined && o.ttftP50ManagerMs !== undefined
      ? `; our manager alone (no HTTP door) p50 ${o.p50ManagerMs} ms, first token ${o.ttftP50ManagerMs} ms, so the door adds ${o.addedOverManagerP50Ms ?? '?'} ms p50 and ${o.addedOverManagerTtftMs ?? '?'} ms to the first token`
      : '';
  const floor =
    o.addedByBareRelayP50Ms !== undefined && o.addedByBareRelayTtftMs !== undefined
      ? `; a bare relay in its own process that holds the head until the first content as ours does (bench/endpoint/bareRelay.ts) adds ${o.addedByBareRelayP50Ms} ms p50 and ${o.addedByBareRelayTtftMs} ms to the first token by itself`
      : '';
  return (
    `Endpoint's cost (healthy, ${o.requests} streamed requests per lane, interleaved, endpoint ${o.endpointAs}): ` +
    `through the endpoint p50 ${o.p50EndpointMs} ms vs ${o.p50DirectMs} ms with the SDK alone (added ${o.addedP50Ms} ms); ` +
    `time to first token p50 ${o.ttftP50EndpointMs} ms vs ${o.ttftP50DirectMs} ms (added ${o.addedTtftMs} ms) — ${met} the ${ADDED_GOAL_MS} ms goal` +
    manager +
    floor
  );
}

/** One line per comparison for the console. */
export function comparisonLine(c: ClaudeCodeComparison): string {
  const lane = (l: ClaudeCodeLane): string => `${l.answered}/${l.sessions} answered (median ${medianAnswer(l)}), all done after ${seconds(l.maxMs)}, ${l.upstreamAttempts} upstream attempts (${l.upstream429}× 429, ${l.upstream529}× 529)`;
  return `${c.scenario}: Claude Code alone ${lane(c.alone)} | through the endpoint ${lane(c.endpoint)} | all done alone ÷ endpoint ${ratio(c.alone.maxMs, c.endpoint.maxMs)}, upstream attempts ${ratio(c.alone.upstreamAttempts, c.endpoint.upstreamAttempts)}`;
}

/** The report's section. */
export function endpointSection(figures: EndpointBenchFigures): string[] {
  const out: string[] = [];
  if (figures.claudeCodeNotRun !== null) out.push(`Claude Code not run: ${figures.claudeCodeNotRun}`, '');
  else {
    out.push(
      `The real Claude Code CLI ${figures.claudeCodeVersion ?? ''} (\`claude -p\`, its own key), straight to the simulator ("alone") and through one local endpoint (\`src/broker/endpoint\`), side by side in one run, each lane on a simulator of its own:`,
      '',
      ...claudeCodeTable(figures.comparisons),
      '',
      ...figures.comparisons.map((c) => `- ${c.scenario}: ${c.description}`),
      '',
    );
  }
  out.push(`- ${overheadLine(figures.overhead)}`);
  out.push(figures.overheadServed !== null ? `- ${overheadLine(figures.overheadServed)}` : '- `serve` as its own process: not measured (dist/cli.js is not built).', '');
  return out;
}
