// Validates message content blocks the way the Messages API does (text, image,
// document, tool_use, tool_result, thinking, …) and summarises each block for
// the rest of the simulator: its text, what it refers to, its prompt-cache
// breakpoint and how many input tokens it costs.
import { detectImageType, isBase64, isPdf } from './media';

export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type CacheTtl = '5m' | '1h';

/** One piece of the prompt, in order: a tool, a system block or a message block. */
export interface PromptSegment {
  /** What identifies the content for the prompt cache (cache_control itself excluded). */
  material: string;
  /** Characters counted as text (about four per token). */
  chars: number;
  /** Tokens counted apart from characters (images, PDFs). */
  fixedTokens: number;
  /** Set when the block carries `cache_control`. */
  cache: CacheTtl | undefined;
}

export interface BlockInfo {
  type: string;
  segment: PromptSegment;
  text?: string;
  toolUse?: { id: string; name: string };
  toolResult?: { toolUseId: string; text: string; isError: boolean };
  thinking?: { text: string; signature: string; path: string };
}

/** Input tokens an image costs, whatever its size (the API's ~1600 for a 1092×1092 image). */
export const IMAGE_TOKENS = 1600;
/** Input tokens a PDF or a document referenced by URL or file id costs. */
export const DOCUMENT_TOKENS = 1500;

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Every block type the API accepts in message content. */
const KNOWN_BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'container_upload',
  'mcp_tool_use',
  'mcp_tool_result',
  'compaction',
];

const TOOL_RESULT_CONTENT_TYPES = ['text', 'image', 'document', 'search_result', 'tool_reference', 'browser_state'];

const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function tagMismatch(path: string, tag: unknown, expected: readonly string[]): { ok: false; message: string } {
  return fail(
    `${path}: Input tag '${String(tag)}' found using 'type' does not match any of the expected tags: ${expected.map((t) => `'${t}'`).join(', ')}`,
  );
}

/** `cache_control` of a block or tool: absent/null, or `{type: "ephemeral", ttl?: "5m" | "1h"}`. */
export function parseCacheControl(value: unknown, path: string): Validated<CacheTtl | undefined> {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  const field = path ? `${path}.cache_control` : 'cache_control';
  if (!isObject(value)) return fail(`${field}: Input should be a valid dictionary`);
  if (value['type'] !== 'ephemeral') return fail(`${field}.type: Input should be 'ephemeral'`);
  const ttl = value['ttl'];
  if (ttl === undefined || ttl === null) return { ok: true, value: '5m' };
  if (ttl !== '5m' && ttl !== '1h') return fail(`${field}.ttl: Input should be '5m' or '1h'`);
  return { ok: true, value: ttl };
}

function withoutCacheControl(block: Json): string {
  const { cache_control: _ignored, ...rest } = block;
  return JSON.stringify(rest);
}

function parseImageSource(source: unknown, path: string): Validated<null> {
  if (!isObject(source)) return fail(`${path}.source: Field required`);
  switch (source['type']) {
    case 'base64': {
      const mediaType = source['media_type'];
      if (typeof mediaType !== 'string' || !IMAGE_MEDIA_TYPES.includes(mediaType)) {
        return fail(`${path}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
      }
      const data = source['data'];
      if (typeof data !== 'string') return fail(`${path}.source.base64.data: Field required`);
      if (data.length === 0) return fail(`${path}.source.base64.data: image data must not be empty`);
      if (!isBase64(data)) return fail(`${path}.source.base64.data: image data is not valid base64`);
      const actual = detectImageType(Buffer.from(data, 'base64'));
      if (actual === undefined) return fail(`${path}.source.base64.data: Could not process image`);
      if (actual !== mediaType) {
        return fail(`${path}.source.base64.data: The image was specified using the ${mediaType} media type, but the image appears to be a ${actual} image`);
      }
      return { ok: true, value: null };
    }
    case 'url':
      return parseUrl(source['url'], `${path}.source.url.url`);
    case 'file':
      return typeof source['file_id'] === 'string' && source['file_id'] !== ''
        ? { ok: true, value: null }
        : fail(`${path}.source.file.file_id: Field required`);
    default:
      return tagMismatch(`${path}.source`, source['type'], ['base64', 'url', 'file']);
  }
}

function parseUrl(url: unknown, path: string): Validated<null> {
  if (typeof url !== 'string') return fail(`${path}: Field required`);
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return { ok: true, value: null };
  } catch {
    // Falls through to the error below.
  }
  return fail(`${path}: Input should be a valid URL`);
}

/** A document block's source; returns the characters it costs as text, or undefined for a fixed cost. */
function parseDocumentSource(source: unknown, path: string): Validated<number | undefined> {
  if (!isObject(source)) return fail(`${path}.source: Field required`);
  switch (source['type']) {
    case 'base64': {
      if (source['media_type'] !== 'application/pdf') return fail(`${path}.source.base64.media_type: Input should be 'application/pdf'`);
      const data = source['data'];
      if (typeof data !== 'string') return fail(`${path}.source.base64.data: Field required`);
      if (data.length === 0) return fail(`${path}.source.base64.data: document data must not be empty`);
      if (!isBase64(data)) return fail(`${path}.source.base64.data: document data is not valid base64`);
      if (!isPdf(Buffer.from(data, 'base64'))) return fail(`${path}.source.base64.data: The PDF specified was not valid.`);
      return { ok: true, value: undefined };
    }
    case 'text': {
      if (source['media_type'] !== 'text/plain') return fail(`${path}.source.text.media_type: Input should be 'text/plain'`);
      const data = source['data'];
      if (typeof data !== 'string') return fail(`${path}.source.text.data: Field required`);
      if (data.length === 0) return fail(`${path}.source.text.data: document text must not be empty`);
      return { ok: true, value: data.length };
    }
    case 'content': {
      const content = source['content'];
      if (typeof content === 'string') return { ok: true, value: content.length };
      if (!Array.isArray(content)) return fail(`${path}.source.content.content: Input should be a valid string or list`);
      let chars = 0;
      for (let i = 0; i < content.length; i++) {
        const inner = parseBlock(content[i], `${path}.source.content.content.${i}`, ['text', 'image']);
        if (!inner.ok) return inner;
        chars += inner.value.segment.chars;
      }
      return { ok: true, value: chars };
    }
    case 'url': {
      const url = parseUrl(source['url'], `${path}.source.url.url`);
      return url.ok ? { ok: true, value: undefined } : url;
    }
    case 'file':
      return typeof source['file_id'] === 'string' && source['file_id'] !== ''
        ? { ok: true, value: undefined }
        : fail(`${path}.source.file.file_id: Field required`);
    default:
      return tagMismatch(`${path}.source`, source['type'], ['base64', 'text', 'content', 'url', 'file']);
  }
}

function parseToolResultContent(content: unknown, path: string): Validated<{ text: string; chars: number; fixedTokens: number }> {
  if (content === undefined || content === null) return { ok: true, value: { text: '', chars: 0, fixedTokens: 0 } };
  if (typeof content === 'string') return { ok: true, value: { text: content, chars: content.length, fixedTokens: 0 } };
  if (!Array.isArray(content)) return fail(`${path}.content: Input should be a valid string or list`);
  let text = '';
  let chars = 0;
  let fixedTokens = 0;
  for (let i = 0; i < content.length; i++) {
    const inner = parseBlock(content[i], `${path}.content.${i}`, TOOL_RESULT_CONTENT_TYPES);
    if (!inner.ok) return inner;
    text += inner.value.text ?? '';
    chars += inner.value.segment.chars;
    fixedTokens += inner.value.segment.fixedTokens;
  }
  return { ok: true, value: { text, chars, fixedTokens } };
}

/** Validates one content block at `path` (e.g. `messages.0.content.1`) among the `allowed` types. */
export function parseBlock(block: unknown, path: string, allowed: readonly string[] = KNOWN_BLOCK_TYPES): Validated<BlockInfo> {
  if (!isObject(block) || typeof block['type'] !== 'string') return fail(`${path}: Input should be a valid content block with a type`);
  const type = block['type'];
  if (!allowed.includes(type)) return tagMismatch(path, type, allowed);
  const cache = parseCacheControl(block['cache_control'], path);
  if (!cache.ok) return cache;
  const segment: PromptSegment = { material: withoutCacheControl(block), chars: 0, fixedTokens: 0, cache: cache.value };
  const info: BlockInfo = { type, segment };

  switch (type) {
    case 'text': {
      if (typeof block['text'] !== 'string') return fail(`${path}.text: Field required`);
      info.text = block['text'];
      segment.chars = block['text'].length;
      break;
    }
    case 'image': {
      const source = parseImageSource(block['source'], path);
      if (!source.ok) return source;
      segment.fixedTokens = IMAGE_TOKENS;
      break;
    }
    case 'document': {
      const source = parseDocumentSource(block['source'], path);
      if (!source.ok) return source;
      if (source.value === undefined) segment.fixedTokens = DOCUMENT_TOKENS;
      else segment.chars = source.value;
      break;
    }
    case 'tool_use': {
      const id = block['id'];
      if (typeof id !== 'string') return fail(`${path}.id: Field required`);
      if (!TOOL_USE_ID.test(id)) return fail(`${path}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (typeof block['name'] !== 'string' || block['name'] === '') return fail(`${path}.name: Field required`);
      if (!isObject(block['input'])) return fail(`${path}.input: Input should be a valid dictionary`);
      info.toolUse = { id, name: block['name'] };
      segment.chars = JSON.stringify({ name: block['name'], input: block['input'] }).length;
      break;
    }
    case 'tool_result': {
      const toolUseId = block['tool_use_id'];
      if (typeof toolUseId !== 'string') return fail(`${path}.tool_use_id: Field required`);
      if (block['is_error'] !== undefined && block['is_error'] !== null && typeof block['is_error'] !== 'boolean') {
        return fail(`${path}.is_error: Input should be a valid boolean`);
      }
      const content = parseToolResultContent(block['content'], path);
      if (!content.ok) return content;
      info.toolResult = { toolUseId, text: content.value.text, isError: block['is_error'] === true };
      segment.chars = content.value.chars;
      segment.fixedTokens = content.value.fixedTokens;
      break;
    }
    case 'thinking': {
      if (typeof block['thinking'] !== 'string') return fail(`${path}.thinking: Field required`);
      if (typeof block['signature'] !== 'string') return fail(`${path}.signature: Field required`);
      if (block['cache_control'] !== undefined && block['cache_control'] !== null) {
        return fail(`${path}: cache_control cannot be set on thinking blocks`);
      }
      info.thinking = { text: block['thinking'], signature: block['signature'], path };
      break;
    }
    case 'redacted_thinking': {
      if (typeof block['data'] !== 'string' || block['data'] === '') return fail(`${path}.data: Field required`);
      break;
    }
    default:
      // Server tool blocks and the like: accepted as the API accepts them, counted by size.
      segment.chars = segment.material.length;
      break;
  }
  return { ok: true, value: info };
}

/** Content of a message or of `system`: a string, or a list of blocks. */
export function parseContent(content: unknown, path: string, allowed?: readonly string[]): Validated<BlockInfo[]> {
  if (typeof content === 'string') {
    // The same prefix for the cache as the one text block it stands for.
    const material = JSON.stringify({ type: 'text', text: content });
    return { ok: true, value: [{ type: 'text', text: content, segment: { material, chars: content.length, fixedTokens: 0, cache: undefined } }] };
  }
  if (!Array.isArray(content)) return fail(`${path}: Input should be a valid string or list of content blocks`);
  const blocks: BlockInfo[] = [];
  for (let i = 0; i < content.length; i++) {
    const block = parseBlock(content[i], `${path}.${i}`, allowed);
    if (!block.ok) return block;
    blocks.push(block.value);
  }
  return { ok: true, value: blocks };
}

export function textOf(blocks: readonly BlockInfo[]): string {
  return blocks.map((b) => b.text ?? '').join('');
}
