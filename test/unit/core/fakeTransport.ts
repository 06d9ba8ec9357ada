// A scripted Messages transport for orchestrator tests on a fake clock: each call
// to create() takes the next step of the script — an SDK-shaped error, or a
// stream of events. It stands in for the network, not for the code under test.
import type { MessagesClient, RawStreamEvent, StreamParams } from '../../../src/core/wire';
import type { ProviderClients } from '../../../src/core/providers';
import type { RunOptions } from '../../../src/core/runDependencies';
import type { StreamPart } from '../../../src/core/types';

export type Step =
  | { readonly error: Record<string, unknown> }
  /** A 200 stream of these events, then (when set) a mid-stream error event, as the SDK raises it. */
  | { readonly events: readonly RawStreamEvent[]; readonly breakWith?: string };

export function sdkError(status: number, type: string, headers: Record<string, string> = {}): Step {
  return {
    error: {
      name: 'APIError',
      status,
      error: { type: 'error', error: { type, message: type } },
      headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    },
  };
}

export function textAnswer(text: string): Step {
  return {
    events: [
      { type: 'message_start', message: { id: 'msg_1', model: 'm', usage: { input_tokens: 3, output_tokens: 0 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ],
  };
}

export class ScriptedTransport {
  readonly calls: StreamParams[] = [];

  constructor(private readonly script: Step[]) {}

  client(baseURL = 'https://api.example.test'): MessagesClient {
    return {
      baseURL,
      messages: {
        create: (params: StreamParams) => ({
          withResponse: async () => {
            this.calls.push(params);
            const step = this.script.shift() ?? textAnswer('ok');
            if ('error' in step) throw Object.assign(new Error(String(step.error['name'])), step.error);
            return {
              response: { status: 200, headers: { get: () => null } },
              data: (async function* () {
                for (const event of step.events) yield event;
                if (step.breakWith !== undefined) {
                  throw Object.assign(new Error(step.breakWith), { name: 'APIError', type: step.breakWith, error: { type: 'error', error: { type: step.breakWith, message: 'Overloaded' } } });
                }
              })(),
            };
          },
        }),
      },
    };
  }

  /** Provider clients that hand out this transport for every provider. */
  clients(): ProviderClients {
    return { clientFor: async () => ({ client: this.client(), secret: '' }) } as unknown as ProviderClients;
  }
}

/** Run options of a caller that reads typed parts, collecting them (and calling `also` for each). */
export function partsCaller(parts: StreamPart[], also: (part: StreamPart) => void = () => undefined): Pick<RunOptions, 'onItem' | 'view'> {
  return {
    onItem: (item) => {
      if (item.part === null) return;
      parts.push(item.part);
      also(item.part);
    },
    view: () => 'parts',
  };
}

/** Run options of a caller that reads only the outcome. */
export const outcomeOnly: Pick<RunOptions, 'onItem' | 'view'> = { onItem: () => undefined, view: () => 'none' };
