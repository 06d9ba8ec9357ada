// What the parts of a VS Code language model message look like, recognised by shape rather
// than by class: the provider receives VS Code's own part objects, unit tests build plain
// ones, and both convert the same way. Only `import type` from 'vscode' here (erased at
// build), so the conversions run under plain `node --test`.
import { isRecord } from '../../shared/isRecord';

/** Roles as numbers, as `vscode.LanguageModelChatMessageRole` defines them (3 is the proposed System). */
export const ROLE_USER = 1;
export const ROLE_ASSISTANT = 2;
export const ROLE_SYSTEM = 3;

export interface TextPartShape {
  readonly value: string;
}

export interface ToolCallPartShape {
  readonly callId: string;
  readonly name: string;
  readonly input: object;
}

export interface ToolResultPartShape {
  readonly callId: string;
  readonly content: readonly unknown[];
}

export interface DataPartShape {
  readonly data: Uint8Array;
  readonly mimeType: string;
}

/** A message as the provider receives it (`vscode.LanguageModelChatRequestMessage`). */
export interface RequestMessageShape {
  readonly role: number;
  readonly content: readonly unknown[];
  readonly name?: string | undefined;
}

export function isToolCallPart(part: unknown): part is ToolCallPartShape {
  return isRecord(part) && typeof part['callId'] === 'string' && typeof part['name'] === 'string' && isRecord(part['input']);
}

export function isToolResultPart(part: unknown): part is ToolResultPartShape {
  return isRecord(part) && typeof part['callId'] === 'string' && Array.isArray(part['content']);
}

export function isTextPart(part: unknown): part is TextPartShape {
  return isRecord(part) && typeof part['value'] === 'string' && !('callId' in part);
}

export function isDataPart(part: unknown): part is DataPartShape {
  return isRecord(part) && part['data'] instanceof Uint8Array && typeof part['mimeType'] === 'string';
}

/** A prompt-tsx part (`LanguageModelPromptTsxPart`): an opaque value, rendered as JSON text. */
export function isOpaqueValuePart(part: unknown): part is { readonly value: unknown } {
  return isRecord(part) && 'value' in part && typeof part['value'] !== 'string' && !('callId' in part);
}
