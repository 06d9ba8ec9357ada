// The request manager as it ships. The extension, broker and CLI run src/core bundled by esbuild
// (esbuild.mjs); the bench runs under tsx, which compiles every file with esbuild's keepNames — a
// `__name(fn, "…")` call and a defined property for every function and closure, per call of the
// function that creates it. A request through the manager creates dozens of closures, so under
// tsx the manager's CPU per request measured that wrapper as well as the manager. Bundled here the
// same way the product is (no keepNames, the SDK left to node_modules as every client's), and
// loaded from out/bench/ (gitignored) so the SDK resolves as the other clients'. The local endpoint
// (src/broker/endpoint) is in the same bundle, over the same core, as the broker and `serve` run it.
import { mkdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import type { startEndpoint } from '../../src/broker/endpoint/endpointServer';
import type { createRequestManager } from '../../src/core/requestManager';
import type { createSharedRoutes } from '../../src/core/sharedRoutes';

const ROOT = resolve(__dirname, '..', '..');

export interface ShippedCore {
  readonly createRequestManager: typeof createRequestManager;
  readonly createSharedRoutes: typeof createSharedRoutes;
  readonly startEndpoint: typeof startEndpoint;
}

/** What the bundle exports, from the files that define it. */
const ENTRY = [
  "export { createRequestManager } from './src/core/requestManager';",
  "export { createSharedRoutes } from './src/core/sharedRoutes';",
  "export { startEndpoint } from './src/broker/endpoint/endpointServer';",
].join('\n');

let loaded: ShippedCore | null = null;

/** Bundles the manager and the endpoint (once per process) and loads them. Throws when the build fails. */
export function shippedCore(): ShippedCore {
  if (loaded !== null) return loaded;
  const dir = join(ROOT, 'out', 'bench');
  mkdirSync(dir, { recursive: true });
  // One file per process: workers bundling at the same moment do not load each other's half-written file.
  const outfile = join(dir, `requestManager-${process.pid}.cjs`);
  buildSync({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'shipped-core.ts', loader: 'ts' },
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
    const { createRequestManager: manager, createSharedRoutes: shared, startEndpoint: endpoint } = module;
    if (typeof manager !== 'function' || typeof shared !== 'function' || typeof endpoint !== 'function') throw new Error('the bundled core lacks createRequestManager, createSharedRoutes or startEndpoint');
    loaded = { createRequestManager: manager, createSharedRoutes: shared, startEndpoint: endpoint };
    return loaded;
  } finally {
    unlinkSync(outfile);
  }
}
