// Types for scripts/node-test-stage.mjs, so TypeScript tests can run a stage the way test-all does.
export interface FailedTest {
  readonly name: string;
  /** Relative to the folder the runner ran in (the repository). */
  readonly file: string;
  /** First line of what the test threw. */
  readonly error: string;
}

export interface StageResult {
  /** The runner's exit code; 124 when it outlived its time limit. */
  readonly code?: number;
  readonly passed: number;
  readonly failed: number;
  readonly failures: readonly FailedTest[];
  readonly note?: string;
}

export interface NodeTestStageOptions {
  readonly timeoutMs: number;
  readonly args?: readonly string[];
  readonly prepare?: (scratch: string) => Promise<Record<string, string>>;
  readonly echo?: boolean;
}

export declare function nodeTestStage(name: string, files: readonly string[], options: NodeTestStageOptions): { readonly name: string; run(): Promise<StageResult> };
