// A Messages transport whose streams unfold on a fake clock: each script step
// says when (ms after the previous step) an event or a bare `ping` arrives, or
// that the stream falls silent. Bytes go through the request's middleware the
// way the SDK hands them over, so the event tap sees pings the SDK would drop.
// Every call is logged with its signal, so tests can see an attempt aborted.
import type { AttemptRequestOptions, MessagesClient, RawStreamEvent, StreamParams } from '../../../src/core/wire';
import type { ProviderClients } from '../../../src/core/providers';
import type { FakeClock } from '../../support/fakeClock';

export type Beat =
  | { readonly afterMs: number; readonly event: RawStreamEvent }
  | { readonly afterMs: number; readonly ping: true }
  /** Nothing more arrives until the attempt is aborted. */
  | { readonly silence: true };

export interface Call {
  readonly params: StreamParams;
  readonly signal: AbortSignal;
}

export function start(id = 'msg_1'): Beat[] {
  return [{ afterMs: 0, event: { type: 'message_start', message: { id, model: 'm', usage: { input_tokens: 3, output_tokens: 0 } } } }];
}

export function words(list: readonly string[], gapMs: number, firstAfterMs = 0): Beat[] {
  return [
    { afterMs: firstAfterMs, event: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
    ...list.map((text) => ({ afterMs: gapMs, event: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } })),
  ];
}

export function end(): Beat[] {
  return [
    { afterMs: 0, event: { type: 'content_block_stop', index: 0 } },
    { afterMs: 0, event: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } } },
    { afterMs: 0, event: { type: 'message_stop' } },
  ];
}

export function answer(text: string, firstAfterMs = 0): Beat[] {
  return [...start(), ...words([text], 0, firstAfterMs), ...end()];
}

export class TimedTransport {
  readonly calls: Call[] = [];

  constructor(
    private readonly clock: FakeClock,
    private readonly scripts: Beat[][],
  ) {}

  client(): MessagesClient {
    return {
      baseURL: 'https://api.example.test',
      messages: {
        create: (params: StreamParams, options: AttemptRequestOptions) => ({
          withResponse: async () => {
            this.calls.push({ params, signal: options.signal });
            const script = this.scripts.shift() ?? answer('ok');
            let push: (chunk: Uint8Array) => void = () => undefined;
            const body = new ReadableStream<Uint8Array>({
              start(controller) {
                push = (chunk) => controller.enqueue(chunk);
              },
            });
            let response = new Response(body, { status: 200 });
            for (const middleware of options.middleware ?? []) response = await middleware(null, async () => response);
            void drain(response);
            return {
              response: { status: 200, headers: { get: () => null } },
              data: this.events(script, options.signal, push),
            };
          },
        }),
      },
    };
  }

  private async *events(script: readonly Beat[], signal: AbortSignal, push: (chunk: Uint8Array) => void): AsyncGenerator<RawStreamEvent> {
    for (const beat of script) {
      if ('silence' in beat) {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        return;
      }
      if (beat.afterMs > 0) {
        try {
          await this.clock.sleep(beat.afterMs, signal);
        } catch {
          return;
        }
      }
      if (signal.aborted) return;
      // The raw stream carries each step as the complete server-sent event the SDK would parse.
      const event = 'event' in beat ? beat.event : { type: 'ping' };
      push(new TextEncoder().encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
      if ('event' in beat) yield beat.event;
    }
  }

  clients(): ProviderClients {
    return { clientFor: async () => ({ client: this.client(), secret: '' }) } as unknown as ProviderClients;
  }
}

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  try {
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
    }
  } catch {
    // The attempt went away.
  }
}
