// The request's `tools` and `tool_choice`, validated as the API does.
import { isObject, parseCacheControl } from './content-blocks';
import type { Json, PromptSegment, Validated } from './content-blocks';

export interface ToolSpec {
  name: string;
  /** A client tool the model may call (`type` absent or `custom`); server tools are listed, never called. */
  custom: boolean;
  inputSchema: Json;
}

export interface ToolChoice {
  type: 'auto' | 'any' | 'tool' | 'none';
  name: string | undefined;
  disableParallel: boolean;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

export function parseTools(value: unknown): Validated<{ tools: ToolSpec[]; segments: PromptSegment[] }> {
  if (value === undefined || value === null) return { ok: true, value: { tools: [], segments: [] } };
  if (!Array.isArray(value)) return fail('tools: Input should be a valid list');
  const tools: ToolSpec[] = [];
  const segments: PromptSegment[] = [];
  const names = new Set<string>();
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    const path = `tools.${i}`;
    if (!isObject(tool)) return fail(`${path}: Input should be a valid dictionary`);
    const type = tool['type'];
    const custom = type === undefined || type === null || type === 'custom';
    if (!custom && typeof type !== 'string') return fail(`${path}.type: Input should be a valid string`);
    const name = tool['name'];
    const where = custom ? `${path}.custom` : path;
    if (typeof name !== 'string') return fail(`${where}.name: Field required`);
    if (!TOOL_NAME.test(name)) return fail(`${where}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    let inputSchema: Json = {};
    if (custom) {
      const schema = tool['input_schema'];
      if (schema === undefined) return fail(`${where}.input_schema: Field required`);
      if (!isObject(schema)) return fail(`${where}.input_schema: Input should be a valid dictionary`);
      if (schema['type'] !== 'object') return fail(`${where}.input_schema.type: Input should be 'object'`);
      inputSchema = schema;
    }
    if (names.has(name)) return fail('tools: Tool names must be unique.');
    names.add(name);
    const cache = parseCacheControl(tool['cache_control'], path);
    if (!cache.ok) return cache;
    const { cache_control: _ignored, ...rest } = tool;
    const material = JSON.stringify(rest);
    segments.push({ material, chars: material.length, fixedTokens: 0, cache: cache.value });
    tools.push({ name, custom, inputSchema });
  }
  return { ok: true, value: { tools, segments } };
}

export function parseToolChoice(value: unknown, tools: readonly ToolSpec[]): Validated<ToolChoice | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  if (!isObject(value)) return fail('tool_choice: Input should be a valid dictionary');
  const type = value['type'];
  if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none') {
    return fail(`tool_choice: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`);
  }
  const disable = value['disable_parallel_tool_use'];
  if (disable !== undefined && disable !== null && typeof disable !== 'boolean') {
    return fail(`tool_choice.${type}.disable_parallel_tool_use: Input should be a valid boolean`);
  }
  let name: string | undefined;
  if (type === 'tool') {
    if (typeof value['name'] !== 'string') return fail('tool_choice.tool.name: Field required');
    name = value['name'];
  }
  if ((type === 'any' || type === 'tool') && tools.length === 0) return fail('tool_choice may only be specified while providing tools.');
  if (name !== undefined && !tools.some((t) => t.name === name)) return fail(`tool_choice.tool.name: Tool '${name}' not found in provided tools`);
  return { ok: true, value: { type, name, disableParallel: disable === true } };
}
