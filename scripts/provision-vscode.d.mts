// Types for scripts/provision-vscode.mjs, so TypeScript tests and scripts can import it.
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export declare const CHROMIUM_PATH: string;
export declare const VSCE_VERSION: string;

export interface ProvisionedPaths {
  /** Node 24 binary code-server runs on. */
  node: string;
  /** Folder of that Node (bin/, include/): put `${nodeDir}/bin` first on PATH. */
  nodeDir: string;
  /** The code-server launcher script. */
  codeServer: string;
  /** The vsce script (@vscode/vsce), installed with that Node; run it with `node`. */
  vsce: string;
  /** Debian chromium. */
  chromium: string;
  /** Version-keyed cache folder holding all of the above. */
  cacheDir: string;
  /** First line of `code-server --version`. */
  codeServerVersion: string;
}

export declare function cacheDir(): string;
/** The environment without what `npm run` adds for its own Node (npm_* but network settings, NODE, INIT_CWD, its PATH entries). */
export declare function cleanChildEnv(env?: NodeJS.ProcessEnv): Record<string, string>;
export declare function isolatedEnv(root: string, nodeDir: string): NodeJS.ProcessEnv;
/** Ensures only the Node 24 binary and vsce (no code-server, no chromium) and returns their paths. */
export declare function provisionPackaging(): { node: string; vsce: string };
export declare function provision(): ProvisionedPaths & { report: string[] };
