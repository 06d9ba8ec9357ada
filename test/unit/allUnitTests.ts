// Every unit test file, in one process: the files share one tsx start-up and one module cache,
// which costs about a seventh of the CPU of a process per file (the unit stage of
// scripts/test-all.mjs runs this). The files are found here, so a new one is never left out;
// one file alone still runs as `node --import tsx --test test/unit/<dir>/<name>.test.ts`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const files = readdirSync(__dirname, { recursive: true })
  .map(String)
  .filter((name) => name.endsWith('.test.ts'))
  .sort();
for (const name of files) {
  try {
    require(join(__dirname, name));
  } catch (error) {
    // A file that cannot load fails as itself; the others still run.
    test(`${name} loads`, () => {
      throw error;
    });
  }
}
