// The oracle of every assembly test: the official SDK's beta accumulator
// (`BetaMessageStream`, what `client.beta.messages.stream(body).finalMessage()` runs) on the same
// events. Compared as JSON (what reaches a caller), without the SDK's own `parsed_output` helper field.
import { BetaMessageStream } from '@anthropic-ai/sdk/lib/BetaMessageStream';
import type { ApiStreamEvent } from '../../src/core/types';

export async function sdkAssembled(events: readonly ApiStreamEvent[]): Promise<unknown> {
  const body = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(body));
      controller.close();
    },
  });
  const message = (await BetaMessageStream.fromReadableStream(readable).finalMessage()) as unknown as Record<string, unknown>;
  const { parsed_output: _helper, ...rest } = message;
  void _helper;
  return JSON.parse(JSON.stringify(rest)) as unknown;
}

/** A value as a caller receives it over JSON. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
