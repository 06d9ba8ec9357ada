// The endpoint keeps its address: asked for port 0 (any), it first tries the port its clients hold
// — the one it last listened on, from a PortMemory — so a new broker after one died, or a window
// standing in for an unreachable broker, serves at the URL the terminals' ANTHROPIC_BASE_URL and
// open `claude` sessions already hold. The user's shared endpoint remembers its port in the
// private runtime folder (beside its token, mode 0600: portFile); a window that runs an endpoint of
// its own (sharing off) remembers in that window's storage instead, so two such windows never
// overwrite each other's address. When a port is taken by another program it takes a free one
// (the caller tells the windows the address changed). A wished port other than 0 is used as
// asked, and remembered too.
import type { RuntimeDir } from '../runtimeDir';
import { readPrivateFile, writePrivateFile } from '../runtimeDir';

export const PORT_FILE = 'endpoint-port';

/** The port remembered in this folder, or null (none, unreadable, or not a port). */
export function rememberedEndpointPort(dir: RuntimeDir): number | null {
  const text = readPrivateFile(dir, PORT_FILE)?.toString('utf8').trim();
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  return listenablePort(Number(text));
}

export function rememberEndpointPort(dir: RuntimeDir, port: number): void {
  writePrivateFile(dir, PORT_FILE, `${port}\n`);
}

/** Where an endpoint remembers the port it listens on. */
export interface PortMemory {
  /** The remembered port, or null. */
  recall(): number | null;
  remember(port: number): void;
}

/** The user's shared endpoint's address, in the private runtime folder. */
export function portFile(dir: RuntimeDir): PortMemory {
  return { recall: () => rememberedEndpointPort(dir), remember: (port) => rememberEndpointPort(dir, port) };
}

/** `value` when it is a port a listener can have (1-65535), else null. */
export function listenablePort(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65_535 ? value : null;
}

function unusable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

/**
 * Starts on `port`; asked for 0, on `held` (the port the caller's clients hold) and then the
 * remembered port first, on a free one when those are taken (`onTaken` says so for each). The
 * port it then listens on is remembered.
 */
export async function listenRemembering<T extends { readonly port: number }>(
  memory: PortMemory,
  port: number,
  listen: (port: number) => Promise<T>,
  onTaken: (remembered: number) => void,
  held: number | null = null,
): Promise<T> {
  const remembered = port === 0 ? memory.recall() : null;
  const tries = port === 0 ? [...new Set([held, remembered])].filter((each): each is number => each !== null) : [];
  let running: T | null = null;
  for (const each of tries) {
    try {
      running = await listen(each);
      break;
    } catch (error) {
      if (!unusable(error)) throw error;
      onTaken(each);
    }
  }
  running ??= await listen(port);
  try {
    if (running.port !== remembered) memory.remember(running.port);
  } catch {
    // Not remembered: the next endpoint may get another port, nothing else is lost.
  }
  return running;
}
