// The request manager as it ships. The extension, broker and CLI run src/core bundled by esbuild
// (esbuild.mjs); the bench runs under tsx, which compiles every file with esbuild's keepNames — a
// `__name(fn, "…")` call and a defined property for every function and closure, per call of the
// function that creates it. A request through the manager creates dozens of closures, so under
// tsx the manager's CPU per request measured that wrapper as well as the manager. Bundled here the
// same way the product is (no keepNames, the SDK left to node_modules as every client's), and
// loaded from out/bench/ (gitignored) so the SDK resolves as the other clients'.
import { mkdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { createRequestManager } from '../../src/core/requestManager';

const ROOT = resolve(__dirname, '..', '..');

export interface ShippedCore {
  readonly createRequestManager: typeof createRequestManager;
}

let loaded: ShippedCore | null = null;

/** Bundles src/core/requestManager.ts (once per process) and loads it. Throws when the build fails. */
export function shippedCore(): ShippedCore {
  if (loaded !== null) return loaded;
  const dir = join(ROOT, 'out', 'bench');
  mkdirSync(dir, { recursive: true });
  // One file per process: workers bundling at the same moment do not load each other's half-written file.
  const outfile = join(dir, `requestManager-${process.pid}.cjs`);
  buildSync({
    entryPoints: [join(ROOT, 'src/core/requestManager.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'error',
    legalComments: 'none',
  });
  try {
    const module = require(outfile) as Partial<ShippedCore>;
    if (typeof module.createRequestManager !== 'function') throw new Error('the bundled core exports no createRequestManager');
    loaded = { createRequestManager: module.createRequestManager };
    return loaded;
  } finally {
    unlinkSync(outfile);
  }
}
