// The endpoint keeps its address: the port it last listened on is remembered in the user's
// private runtime folder (beside its token, mode 0600), and an endpoint asked for port 0 (any)
// tries that port first, so a new broker after one died — or a window running the endpoint itself
// — serves at the URL the terminals' ANTHROPIC_BASE_URL and open `claude` sessions already hold.
// When that port is taken by another program it takes a free one (the caller tells the windows
// the address changed). A wished port other than 0 is used as asked, and remembered too.
import type { RuntimeDir } from '../runtimeDir';
import { readPrivateFile, writePrivateFile } from '../runtimeDir';

export const PORT_FILE = 'endpoint-port';

/** The port remembered in this folder, or null (none, unreadable, or not a port). */
export function rememberedEndpointPort(dir: RuntimeDir): number | null {
  const text = readPrivateFile(dir, PORT_FILE)?.toString('utf8').trim();
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65_535 ? port : null;
}

export function rememberEndpointPort(dir: RuntimeDir, port: number): void {
  writePrivateFile(dir, PORT_FILE, `${port}\n`);
}

function unusable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

/**
 * Starts on `port`; asked for 0, on the remembered port first and on a free one when that is
 * taken (`onTaken` says so). The port it then listens on is remembered.
 */
export async function listenRemembering<T extends { readonly port: number }>(
  dir: RuntimeDir,
  port: number,
  listen: (port: number) => Promise<T>,
  onTaken: (remembered: number) => void,
): Promise<T> {
  const remembered = port === 0 ? rememberedEndpointPort(dir) : null;
  let running: T | null = null;
  if (remembered !== null) {
    try {
      running = await listen(remembered);
    } catch (error) {
      if (!unusable(error)) throw error;
      onTaken(remembered);
    }
  }
  running ??= await listen(port);
  try {
    if (running.port !== remembered) rememberEndpointPort(dir, running.port);
  } catch {
    // Not remembered: the next endpoint may get another port, nothing else is lost.
  }
  return running;
}
