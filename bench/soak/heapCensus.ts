// Counts a heap snapshot's objects by constructor (count and self size), and compares two
// censuses: what grew between them is what a leak would be made of.
import { readFileSync, rmSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export type Census = Map<string, { count: number; bytes: number }>;

/** The census of the snapshot in `file` (the file is removed once read). */
export function heapCensus(file: string): Census {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  rmSync(file, { force: true });
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const census: Census = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = type === 'object' || type === 'closure' ? snapshot.strings[snapshot.nodes[i + nameAt]] : `(${type})`;
    const key = type === 'closure' ? `${name}()` : name;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt];
    census.set(key, entry);
  }
  return census;
}

/** What grew from `before` to `after`, largest growth in bytes first. */
export function censusGrowth(before: Census, after: Census): { name: string; count: number; bytes: number }[] {
  return [...after]
    .map(([name, entry]) => ({ name, count: entry.count - (before.get(name)?.count ?? 0), bytes: entry.bytes - (before.get(name)?.bytes ?? 0) }))
    .filter((row) => row.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
