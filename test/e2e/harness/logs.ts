// What the extension wrote to its "Resilient Claude" output channel, read from the log files
// code-server keeps under the user-data folder (every window and session of the run, joined).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function outputChannelLog(userDataDir: string): string {
  const root = join(userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (name.includes('Resilient Claude')) found.push(file);
    }
  };
  if (existsSync(root)) walk(root);
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}
