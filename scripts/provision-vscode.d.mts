// Types for scripts/provision-vscode.mjs, so TypeScript tests and scripts can import it.
export declare const NODE_VERSION: string;
export declare const CODE_SERVER_VERSION: string;
export declare const CHROMIUM_PATH: string;

export interface ProvisionedPaths {
  /** Node 24 binary code-server runs on. */
  node: string;
  /** Folder of that Node (bin/, include/): put `${nodeDir}/bin` first on PATH. */
  nodeDir: string;
  /** The code-server launcher script. */
  codeServer: string;
  /** Debian chromium. */
  chromium: string;
  /** Version-keyed cache folder holding all of the above. */
  cacheDir: string;
  /** First line of `code-server --version`. */
  codeServerVersion: string;
}

export declare function cacheDir(): string;
export declare function isolatedEnv(root: string, nodeDir: string): NodeJS.ProcessEnv;
/** Ensures only the Node 24 binary (no code-server, no chromium) and returns its path. */
export declare function provisionNode(): string;
export declare function provision(): ProvisionedPaths & { report: string[] };
