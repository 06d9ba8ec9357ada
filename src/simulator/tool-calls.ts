// Which tools the simulated model calls, and with what input: a request marker
// `[[tool:NAME]]` or `[[tool:NAME {"json":"input"}]]` in the last user message,
// a forcing tool_choice, or the scenario's `useTools`.
import { isObject } from './content-blocks';
import type { Json } from './content-blocks';
import type { MessageRequest } from './message-request';
import type { ToolSpec } from './tool-request';

export interface PlannedToolCall {
  name: string;
  input: Json;
}

const MARKER = /\[\[tool:([a-zA-Z0-9_-]{1,128})(?:\s+(\{[\s\S]*?\}))?\]\]/g;
const MAX_DEPTH = 3;

/** A deterministic value that fits a JSON schema: its default, first enum value or example, else one per type. */
export function exampleFor(schema: unknown, depth = 0): unknown {
  if (!isObject(schema)) return 'example';
  if (schema['default'] !== undefined) return schema['default'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  if (schema['const'] !== undefined) return schema['const'];
  if (Array.isArray(schema['examples']) && schema['examples'].length > 0) return schema['examples'][0];
  const type = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (type) {
    case 'integer':
    case 'number':
      return typeof schema['minimum'] === 'number' ? schema['minimum'] : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return depth < MAX_DEPTH && schema['items'] !== undefined ? [exampleFor(schema['items'], depth + 1)] : [];
    case 'object':
      return depth < MAX_DEPTH ? objectExample(schema, depth) : {};
    default:
      return 'example';
  }
}

function objectExample(schema: Json, depth: number): Json {
  const out: Json = {};
  const properties = schema['properties'];
  if (!isObject(properties)) return out;
  for (const [name, property] of Object.entries(properties)) out[name] = exampleFor(property, depth + 1);
  return out;
}

function markerInput(json: string | undefined): Json | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function call(tool: ToolSpec, input?: Json): PlannedToolCall {
  return { name: tool.name, input: input ?? objectExample(tool.inputSchema, 0) };
}

/** The calls the model makes for `request`, in order (none when it answers in text). */
export function plannedToolCalls(request: MessageRequest, useTools: boolean): PlannedToolCall[] {
  const callable = request.tools.filter((t) => t.custom);
  const choice = request.toolChoice;
  if (callable.length === 0 || choice?.type === 'none') return [];
  const marked: PlannedToolCall[] = [];
  for (const match of request.lastUserText.matchAll(MARKER)) {
    const tool = callable.find((t) => t.name === match[1]);
    if (tool) marked.push(call(tool, markerInput(match[2])));
  }
  let calls: PlannedToolCall[];
  if (choice?.type === 'tool') {
    const tool = callable.find((t) => t.name === choice.name);
    calls = tool ? [marked.find((c) => c.name === tool.name) ?? call(tool)] : [];
  } else if (marked.length > 0) {
    calls = marked;
  } else if (choice?.type === 'any' || useTools) {
    calls = [call(callable[0]!)];
  } else {
    calls = [];
  }
  return choice?.disableParallel ? calls.slice(0, 1) : calls;
}

/** Whether the model was forced to call a tool (then it writes no text first, as with the API). */
export function toolUseForced(request: MessageRequest): boolean {
  return request.toolChoice?.type === 'any' || request.toolChoice?.type === 'tool';
}
