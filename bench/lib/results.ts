// The shape of bench/results/<date>.json.
import type { ChatProviderFigures } from '../chat/chatProviderFigures';
import type { PassthroughFigures } from '../passthrough/passthroughFigures';
import type { EndpointBenchFigures } from '../endpoint/endpointFigures';
import type { ClientName, ScenarioName } from '../config';
import type { ExtensionFigures } from './extension-metrics';
import type { RunMetrics } from './metrics';
import type { Segment } from './phases';

export type ClientRun = { readonly status: 'run'; readonly metrics: RunMetrics } | { readonly status: 'not-run'; readonly reason: string };

export interface ScenarioResult {
  readonly name: ScenarioName;
  readonly description: string;
  readonly windowMs: number;
  readonly primaryTimeline: readonly Segment[];
  readonly runs: Partial<Record<ClientName, ClientRun>>;
}

export interface Goal {
  readonly goal: string;
  readonly met: boolean | null;
  readonly figure: string;
}

export interface BenchResults {
  readonly generatedAt: string;
  readonly profile: 'full' | 'quick';
  /** The commit the measured code came from, and whether src/ had uncommitted changes. */
  readonly source: { readonly commit: string; readonly srcDirty: boolean | null };
  /** The command line that produced these results. */
  readonly command: string;
  readonly machine: {
    readonly cpus: number;
    readonly node: string;
    readonly platform: string;
    /** 1-minute load average when the run started and when it ended (other work shares the machine). */
    readonly loadAverage: { readonly start: number; readonly end: number };
  };
  readonly versions: Readonly<Record<string, string>>;
  /** Clients side by side (each with its own simulator) or one after another. */
  readonly mode: 'side-by-side' | 'sequential';
  readonly ratePerSecond: number;
  readonly requestDeadlineMs: number;
  readonly chain: readonly string[];
  readonly clients: Readonly<Record<string, { readonly status: 'run' | 'not-run'; readonly reason?: string }>>;
  readonly scenarios: readonly ScenarioResult[];
  readonly goals: readonly Goal[];
  readonly extension: ExtensionFigures | null;
  readonly render: { readonly status: 'run'; readonly figures: unknown } | { readonly status: 'not-run'; readonly reason: string };
  /** The chat provider's path against a direct manager call (absent in results from before it existed). */
  readonly chatProvider?: { readonly status: 'run'; readonly figures: ChatProviderFigures } | { readonly status: 'not-run'; readonly reason: string };
  /** The manager against the bare SDK on the healthy path (latency and CPU per request). */
  readonly passthrough?: { readonly status: 'run'; readonly figures: PassthroughFigures } | { readonly status: 'not-run'; readonly reason: string };
  /** Claude Code alone vs through the local endpoint, and the endpoint's own cost (absent in results from before it existed). */
  readonly endpoint?: { readonly status: 'run'; readonly figures: EndpointBenchFigures } | { readonly status: 'not-run'; readonly reason: string };
  readonly durationS: number;
}
