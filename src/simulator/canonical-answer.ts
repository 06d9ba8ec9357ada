// The simulator's answers: a deterministic word sequence derived from the last
// user message, independent of the model. A request that ends with an assistant
// prefill which is a prefix of that answer gets only the rest, so a client that
// continues an interrupted stream can be checked for lost or duplicated text.
import { hashString, mulberry32 } from './rng';

const WORDS = [
  'resilient', 'claude', 'answers', 'every', 'request', 'with', 'steady', 'calm', 'while', 'the',
  'fleet', 'runs', 'hot', 'retries', 'wait', 'their', 'turn', 'fallbacks', 'carry', 'load',
  'breakers', 'open', 'and', 'close', 'streams', 'flow', 'tokens', 'arrive', 'one', 'by',
  'quiet', 'logs', 'show', 'why', 'budgets', 'stay', 'small', 'storms', 'pass', 'deadlines',
  'hold', 'models', 'rest', 'queues', 'drain', 'signals', 'travel', 'fast', 'clear', 'errors',
];

/** The first `tokens` words of the canonical answer to `userText`, as stream tokens. */
export function canonicalTokens(userText: string, tokens: number): string[] {
  const random = mulberry32(hashString(userText));
  const out: string[] = [];
  for (let i = 0; i < tokens; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)]!;
    out.push(i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : ` ${word}`);
  }
  return out;
}

/** The canonical answer text (what a complete, uninterrupted response contains). */
export function canonicalAnswer(userText: string, tokens = 12): string {
  return canonicalTokens(userText, tokens).join('');
}

/** Splits text into stream tokens the way the simulator emits them (leading space kept on each word). */
export function splitTokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}
