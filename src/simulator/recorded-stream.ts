// Serves a recorded stream: the events of a real answer, one a line, exactly as the API sent them
// (each line the JSON of one SSE event's data; `event:` lines and blank lines of a raw SSE capture
// are skipped, `data: ` prefixes dropped). Each event goes out with its own bytes, paced like a
// model; a `midstream` outcome cuts the recording after `recordedCutAfterEvents` events.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ResponderContext, StreamEventData } from './responder-context';
import { clientGone, framingOf, writeStreamHeaders } from './responder-context';
import { MID_STREAM_MESSAGES } from './stream-writer';
import { ScenarioError } from './scenario-error';

interface RecordedEvent {
  readonly type: string;
  /** The data as recorded, byte for byte. */
  readonly data: string;
}

const loaded = new Map<string, readonly RecordedEvent[]>();

/** The events of a recording (read once per path). */
export function readRecording(file: string): readonly RecordedEvent[] {
  const path = resolve(file);
  const cached = loaded.get(path);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError('recordedStreams', `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const events: RecordedEvent[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.startsWith('data:') ? raw.slice(5).trimStart() : raw;
    if (line.trim() === '' || line.startsWith('event:') || line.startsWith(':')) return;
    let type: unknown;
    try {
      type = (JSON.parse(line) as { type?: unknown }).type;
    } catch {
      throw new ScenarioError('recordedStreams', `${file} line ${i + 1} is not one JSON event`);
    }
    if (typeof type !== 'string') throw new ScenarioError('recordedStreams', `${file} line ${i + 1} has no "type"`);
    events.push({ type, data: line });
  });
  loaded.set(path, events);
  return events;
}

/** The recording this request gets, when the scenario gives recordings and the request streams. */
export function recordingFor(ctx: ResponderContext): readonly RecordedEvent[] | null {
  const files = ctx.decision.behavior.recordedStreams;
  if (!files || files.length === 0 || !ctx.request.stream) return null;
  return readRecording(files[Math.min(ctx.decision.ordinal, files.length - 1)]!);
}

/** Streams `events` (HTTP 200) as the API sent them; with `midstream`, cut by the scenario's error. */
export async function respondRecorded(ctx: ResponderContext, events: readonly RecordedEvent[], midstream: boolean): Promise<void> {
  const { res, decision } = ctx;
  const behavior = decision.behavior;
  writeStreamHeaders(ctx);
  const cutAt = midstream ? behavior.recordedCutAfterEvents : Number.POSITIVE_INFINITY;
  const msPerToken = 1000 / behavior.tokensPerSecond;
  const started = Date.now() + behavior.ttftMs;
  let deltas = 0;
  for (const [i, event] of events.entries()) {
    if (i >= cutAt) {
      const type = behavior.midStreamErrorType;
      const body = { type: 'error', error: { type, message: MID_STREAM_MESSAGES[type] ?? 'Error' }, request_id: ctx.requestId };
      res.end(`event: error\ndata: ${JSON.stringify(body)}\n\n`);
      return;
    }
    if (i === 1 || event.type === 'content_block_delta') {
      const wait = started + deltas * msPerToken - Date.now();
      if (wait >= 1) await ctx.lifecycle.sleep(wait);
      if (clientGone(ctx)) return;
      if (event.type === 'content_block_delta') deltas += 1;
    }
    // The Messages API's own framing gets the recorded bytes; a cloud provider's frames the event its way.
    res.write(ctx.framing === undefined ? `event: ${event.type}\ndata: ${event.data}\n\n` : framingOf(ctx).event(JSON.parse(event.data) as StreamEventData));
  }
  if (!behavior.keepOpenAfterStop) res.end();
}
