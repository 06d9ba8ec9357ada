// What the in-host endpoint tests look at from outside the window: a state awaited (never a
// sleep), the broker process of a runtime folder, and whether a client with its own key is
// answered at a URL.
import { readFileSync } from 'node:fs';
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
