// Local token counts for `provideTokenCount` and the participant, never an API call per count.
// A count is characters ÷ a per-model characters-per-token ratio, plus a fixed cost per image
// and per message. The ratio starts at a typical value for Claude's tokenizer and is calibrated
// from the usage the API reports for each answered request (a moving average, bounded), so
// counts drift toward what that model's tokenizer really does with this user's text.
import { isDataPart, isOpaqueValuePart, isTextPart, isToolCallPart, isToolResultPart } from './partShapes';
import type { RequestMessageShape } from './partShapes';

/** Characters per token before any calibration (English prose and code average near this). */
export const DEFAULT_CHARS_PER_TOKEN = 3.5;
const MIN_RATIO = 1.2;
const MAX_RATIO = 8;
/** Weight of one observation in the moving average. */
const ALPHA = 0.3;
/** An image of ~1.15 megapixels costs about this; smaller ones less. An upper estimate. */
export const IMAGE_TOKENS = 1600;
/** Role markers and separators per message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** What a piece of input weighs before the ratio is applied. */
export interface Weight {
  chars: number;
  images: number;
  messages: number;
}

export function emptyWeight(): Weight {
  return { chars: 0, images: 0, messages: 0 };
}

function addParts(weight: Weight, parts: readonly unknown[]): void {
  for (const part of parts) {
    if (isToolCallPart(part)) weight.chars += part.name.length + JSON.stringify(part.input).length;
    else if (isToolResultPart(part)) addParts(weight, part.content);
    else if (isTextPart(part)) weight.chars += part.value.length;
    else if (isDataPart(part)) {
      if (part.mimeType.startsWith('image/')) weight.images += 1;
      else if (part.mimeType.startsWith('text/') || part.mimeType.includes('json')) weight.chars += part.data.byteLength;
    } else if (isOpaqueValuePart(part)) weight.chars += JSON.stringify(part.value ?? '').length;
  }
}

export function weighMessage(message: string | RequestMessageShape, into: Weight = emptyWeight()): Weight {
  if (typeof message === 'string') {
    into.chars += message.length;
    return into;
  }
  into.messages += 1;
  addParts(into, message.content);
  return into;
}

/** The weight of a whole Messages body as sent (system, messages, tools), from its JSON-able blocks. */
export function weighBody(body: { readonly messages: readonly unknown[]; readonly system?: unknown; readonly tools?: unknown }): Weight {
  const weight = emptyWeight();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      weight.chars += value.length;
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (record['type'] === 'image') {
        weight.images += 1;
        return;
      }
      if (record['type'] === 'tool_use') {
        weight.chars += String(record['name']).length + JSON.stringify(record['input'] ?? {}).length;
        return;
      }
      for (const [key, v] of Object.entries(record)) {
        if (key === 'type' || key === 'cache_control' || key === 'role' || key === 'id' || key === 'tool_use_id') continue;
        visit(v);
      }
    }
  };
  visit(body.system);
  visit(body.tools === undefined ? undefined : JSON.stringify(body.tools));
  for (const m of body.messages) {
    weight.messages += 1;
    visit(m);
  }
  return weight;
}

export class TokenCounter {
  private readonly ratios = new Map<string, number>();

  /** The current characters-per-token ratio for a model. */
  ratio(model: string): number {
    return this.ratios.get(model) ?? DEFAULT_CHARS_PER_TOKEN;
  }

  count(model: string, weight: Weight): number {
    return Math.ceil(weight.chars / this.ratio(model)) + weight.images * IMAGE_TOKENS + weight.messages * MESSAGE_OVERHEAD_TOKENS;
  }

  /** Learns from one answered request: what was sent weighed `weight`, the API counted `inputTokens`. */
  calibrate(model: string, weight: Weight, inputTokens: number): void {
    const textTokens = inputTokens - weight.images * IMAGE_TOKENS - weight.messages * MESSAGE_OVERHEAD_TOKENS;
    // Too little text to say anything about the tokenizer (or images dominate): skip.
    if (weight.chars < 200 || textTokens <= 0) return;
    const observed = Math.min(MAX_RATIO, Math.max(MIN_RATIO, weight.chars / textTokens));
    const current = this.ratio(model);
    this.ratios.set(model, current + ALPHA * (observed - current));
  }

  /** Ratios to persist between sessions. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.ratios);
  }

  restore(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    for (const [model, ratio] of Object.entries(saved)) {
      if (typeof ratio === 'number' && ratio >= MIN_RATIO && ratio <= MAX_RATIO) this.ratios.set(model, ratio);
    }
  }
}
