// What the provider does for one request, without VS Code (so the benchmark runs exactly this
// path): convert the messages, stream them through the manager, hand each part on as it
// arrives (tool calls the transport did not stream come from the assembled message at the end),
// then report usage and calibrate the token counter from it.
import type { MessagesBody, Outcome, RequestStream } from '../../core/types';
import { CHAIN_MODEL_ID } from './chatIds';
import type { RequestMessageShape } from './partShapes';
import type { TokenCounter } from './tokenCounter';
import { weighBody } from './tokenCounter';
import { toMessagesBody } from './toMessagesBody';
import type { RequestOptionsShape } from './toMessagesBody';
import { toResponsePart, totalInputTokens, usagePart } from './toResponseParts';
import type { ResponsePartFactory } from './toResponseParts';

/** The answer cap when the caller sets none (modelOptions.max_tokens), below the model's own limit. */
export const DEFAULT_MAX_TOKENS = 32_000;

export interface PipelineModel {
  readonly id: string;
  readonly maxOutputTokens: number;
}

export interface PipelineDeps<P> {
  /** Starts the request on the manager (the extension's client, or a bare manager). */
  readonly stream: (body: MessagesBody) => RequestStream | Promise<RequestStream>;
  readonly make: ResponsePartFactory<P>;
  readonly counter: TokenCounter;
}

export interface PipelineResult {
  readonly outcome: Outcome;
  /** What the conversion left out (for the log). */
  readonly omitted: readonly string[];
}

export async function runProviderPipeline<P>(
  deps: PipelineDeps<P>,
  model: PipelineModel,
  messages: readonly RequestMessageShape[],
  options: RequestOptionsShape,
  report: (part: P) => void,
  stopped: () => boolean = () => false,
): Promise<PipelineResult> {
  const { body, omitted } = toMessagesBody(messages, options, {
    defaultMaxTokens: Math.min(DEFAULT_MAX_TOKENS, model.maxOutputTokens),
    maxOutputTokens: model.maxOutputTokens,
  });
  // The chain entry leaves the model to the manager: the configured chain, primary first.
  const request: MessagesBody = model.id === CHAIN_MODEL_ID ? { ...body } : { ...body, model: model.id };
  const stream = await deps.stream(request);
  const calledTools = new Set<string>();
  for await (const part of stream.parts) {
    if (stopped()) break;
    if (part.type === 'tool_use') calledTools.add(part.id);
    const reported = toResponsePart(part, deps.make);
    if (reported !== null) report(reported);
  }
  const outcome = await stream.outcome;
  if (outcome.ok) {
    // A transport that streams only text (the shared broker's) still delivers every tool call,
    // from the assembled message, once the answer is complete.
    for (const block of outcome.message.content) {
      if (block.type !== 'tool_use' || calledTools.has(block.id)) continue;
      const reported = toResponsePart({ type: 'tool_use', id: block.id, name: block.name, input: block.input }, deps.make);
      if (reported !== null) report(reported);
    }
    report(usagePart(outcome.message.usage, outcome.model, deps.make));
    deps.counter.calibrate(outcome.model, weighBody(request), totalInputTokens(outcome.message.usage));
  }
  return { outcome, omitted };
}
