// Where a `serve` process spent its CPU, by source module: a V8 CPU profile (node --cpu-prof) of
// dist/cli.js, its samples' self time summed per module of the bundle (esbuild marks each with a
// `// src/…` or `// node_modules/…` line), per Node internal file, and for the rest by name
// (garbage collector, writev and the other native calls). Self time only: a module's callees are
// counted where they run, so the answer path's share (nodeFetch, eventTap, the SDK's streaming,
// attempt, answerRelay, sseAnswer…) reads apart from the request path's. Idle time is left out.
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** The bundle's module markers: [first line (0-based), module], in line order. */
function moduleMarkers(bundle: string): Array<readonly [number, string]> {
  const markers: Array<readonly [number, string]> = [];
  bundle.split('\n').forEach((line, at) => {
    const match = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
    if (match) markers.push([at, match[1]!.replace('node_modules/@anthropic-ai/sdk/', 'sdk/')]);
  });
  return markers;
}

/** The module whose code holds the bundle's line `line` (the last marker at or before it). */
function moduleAt(markers: ReadonlyArray<readonly [number, string]>, line: number): string {
  let low = 0;
  let high = markers.length - 1;
  let found = 'dist/cli.js';
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (markers[mid]![0] <= line) {
      found = markers[mid]![1];
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Self milliseconds per module of the bundle (others per Node file, or by name), largest first. */
export function moduleTimes(profilePath: string, bundlePath: string): Array<readonly [string, number]> {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as CpuProfile;
  const markers = moduleMarkers(readFileSync(bundlePath, 'utf8'));
  const sampled = new Map<number, number>();
  profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const times = new Map<string, number>();
  for (const node of profile.nodes) {
    const micros = sampled.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (micros === 0 || functionName === '(idle)') continue;
    const name = url.endsWith('/dist/cli.js') ? moduleAt(markers, lineNumber) : url !== '' ? url.replace(/^node:internal\/(?:deps\/)?/, 'node:') : functionName;
    times.set(name, (times.get(name) ?? 0) + micros / 1000);
  }
  return [...times].sort((a, b) => b[1] - a[1]);
}
