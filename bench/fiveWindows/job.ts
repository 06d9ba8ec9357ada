// What the five-windows benchmark asks of one window process, and what it reports back.

export interface WindowJob {
  readonly index: number;
  readonly windows: number;
  readonly mode: 'independent' | 'shared';
  readonly baseURL: string;
  readonly apiKey: string;
  readonly runtimeDir: string;
  readonly models: readonly string[];
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly deadlineMs: number;
  readonly pacing?: { readonly mode: 'proactive' | 'reactive'; readonly share: number };
  /** The requests' priority (default interactive). */
  readonly priority?: 'interactive' | 'background';
}

export interface WindowReport {
  readonly index: number;
  readonly sent: number;
  readonly answered: number;
  readonly attempts: number;
  readonly elapsedMs: number;
}

/** Messages between the benchmark and a window process (over the child-process IPC channel). */
export type WindowSignal =
  /** The window's manager is up (joined the broker when shared) and its SDK loaded. */
  | { readonly type: 'ready' }
  /** Every window is ready: start sending at this epoch ms, together. */
  | { readonly type: 'start'; readonly startAt: number };
