// What the in-host endpoint tests look at from outside the window: a state awaited (never a
// sleep), the broker process of a runtime folder, which process listens on a port, and whether a
// client with its own key is answered at a URL.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { brokerPidPath } from '../../../../src/broker/runtimeDir';

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function brokerPid(dir: string): number | null {
  try {
    return Number(readFileSync(brokerPidPath(dir), 'utf8').trim()) || null;
  } catch {
    return null;
  }
}

/** A client with its own `key` is answered at `url`. */
export async function served(url: string, key: string): Promise<boolean> {
  try {
    const answer = await fetch(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': key },
      body: JSON.stringify({ model: 'claude-opus-5-5', max_tokens: 16, messages: [{ role: 'user', content: 'Who serves?' }] }),
    });
    return answer.status === 200;
  } catch {
    return false;
  }
}

export function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

/** The socket inodes listening on 127.0.0.1:`port` (from /proc/net/tcp). */
export function listeners(port: number): string[] {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === local && fields[3] === '0A')
    .map((fields) => fields[9] ?? '');
}

/** Whether process `pid` holds the socket `inode`. */
export function holds(pid: number, inode: string): boolean {
  const fds = `/proc/${pid}/fd`;
  return readdirSync(fds).some((fd) => {
    try {
      return readlinkSync(join(fds, fd)) === `socket:[${inode}]`;
    } catch {
      return false;
    }
  });
}
