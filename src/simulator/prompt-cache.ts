// The prompt cache as the API reports it: a prefix that ends at a
// cache_control breakpoint is written on first use (cache_creation_input_tokens)
// and read by later requests with the same prefix on the same model
// (cache_read_input_tokens) until its TTL runs out, each read renewing it.
// Like the API, a breakpoint also finds a prefix cached up to 20 blocks before it.
import { createHash } from 'node:crypto';
import type { PromptSegment } from './content-blocks';
import { tokensOf } from './message-request';

export interface CacheUsage {
  /** Tokens read from the cache. */
  read: number;
  /** Tokens written to the cache, split by TTL. */
  creation5m: number;
  creation1h: number;
  /** Tokens neither read nor written: the usage's `input_tokens`. */
  uncached: number;
}

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
const LOOKBACK_BLOCKS = 20;

export class PromptCache {
  private readonly entries = new Map<string, { expiresAt: number; ttlMs: number }>();

  clear(): void {
    this.entries.clear();
  }

  /** Reads and writes the cache for one request's prompt; `total` is its input token count. */
  use(model: string, segments: readonly PromptSegment[], total: number, minTokens: number, now = Date.now()): CacheUsage {
    const breakpoints = segments.flatMap((s, i) => (s.cache ? [i] : []));
    if (breakpoints.length === 0) return { read: 0, creation5m: 0, creation1h: 0, uncached: total };
    const keys: string[] = [];
    const tokens: number[] = [];
    let hash = createHash('sha256').update(model).digest('hex');
    for (let i = 0; i < segments.length; i++) {
      hash = createHash('sha256').update(hash).update(segments[i]!.material).digest('hex');
      keys.push(hash);
      tokens.push(tokensOf(segments.slice(0, i + 1)));
    }

    let readIndex = -1;
    for (const b of breakpoints) {
      for (let j = b; j >= Math.max(0, b - LOOKBACK_BLOCKS) && j > readIndex; j--) {
        const entry = this.entries.get(keys[j]!);
        if (entry && entry.expiresAt > now) {
          readIndex = j;
          break;
        }
      }
    }
    const read = readIndex >= 0 ? tokens[readIndex]! : 0;
    if (readIndex >= 0) {
      const entry = this.entries.get(keys[readIndex]!)!;
      entry.expiresAt = now + entry.ttlMs;
    }

    let written = read;
    let creation5m = 0;
    let creation1h = 0;
    for (const b of breakpoints) {
      if (b <= readIndex || tokens[b]! < minTokens) continue;
      const ttl = segments[b]!.cache!;
      const added = tokens[b]! - written;
      if (ttl === '1h') creation1h += added;
      else creation5m += added;
      written = tokens[b]!;
      this.entries.set(keys[b]!, { expiresAt: now + TTL_MS[ttl], ttlMs: TTL_MS[ttl] });
    }
    return { read, creation5m, creation1h, uncached: Math.max(0, total - written) };
  }
}
