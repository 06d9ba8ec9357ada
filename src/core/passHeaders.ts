// The caller's anthropic-beta and anthropic-version as each provider takes them. The Anthropic API
// gets both unchanged. Bedrock and Vertex speak their own API version (their SDKs put it in the
// body), so the caller's version is not theirs to take; the betas go on (the Bedrock SDK moves them
// into the body as `anthropic_beta`).
import type { PassHeaders, ProviderId } from './types';

export function passHeadersFor(provider: ProviderId, headers: PassHeaders | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  const beta = headers['anthropic-beta'];
  const version = headers['anthropic-version'];
  if (beta !== undefined && beta !== '') out['anthropic-beta'] = beta;
  if (version !== undefined && version !== '' && provider === 'anthropic') out['anthropic-version'] = version;
  return out;
}

/** The caller's anthropic-beta and anthropic-version from incoming HTTP headers (a relay's client), when it sent any. */
export function passHeadersFrom(incoming: Readonly<Record<string, string | string[] | undefined>>): PassHeaders | undefined {
  const value = (name: string): string | undefined => {
    const raw = incoming[name];
    const joined = Array.isArray(raw) ? raw.join(',') : raw;
    return joined === undefined || joined.trim() === '' ? undefined : joined.trim();
  };
  const beta = value('anthropic-beta');
  const version = value('anthropic-version');
  if (beta === undefined && version === undefined) return undefined;
  return { ...(beta !== undefined ? { 'anthropic-beta': beta } : {}), ...(version !== undefined ? { 'anthropic-version': version } : {}) };
}
