// Messages between the benchmark's parent process and a client worker process.
import type { ClientEnv } from '../clients/client';
import type { ClientName } from '../config';

export interface RunCommand {
  readonly type: 'run';
  readonly client: ClientName;
  readonly env: ClientEnv;
  readonly ratePerSecond: number;
  readonly windowMs: number;
  readonly deadlineMs: number;
  /** Prefix that makes prompts differ between scenarios while staying identical across clients. */
  readonly promptPrefix: string;
  /** Words of padding per (index mod 10), so prompt sizes vary (0: none). */
  readonly promptPaddingWords?: number;
}

/** Runs a few requests on a throwaway client so the measured run starts with warm code paths. */
export interface WarmupCommand {
  readonly type: 'warmup';
  readonly client: ClientName;
  readonly env: ClientEnv;
  readonly requests: number;
}

export type WorkerCommand = RunCommand | WarmupCommand;

export interface RequestRecord {
  readonly index: number;
  /** Epoch ms when the request was sent. */
  readonly sentAt: number;
  readonly latencyMs: number;
  readonly ok: boolean;
  readonly model: string | null;
  readonly attempts: number | null;
  /** Hedges the client started for this request (ours only; null when the client cannot tell). */
  readonly hedges?: number | null;
  readonly error: string | null;
  readonly prompt: string;
  readonly text: string | null;
  /** True when the harness deadline cut the request. */
  readonly deadlineHit: boolean;
}

export interface RunResult {
  readonly type: 'result';
  readonly records: readonly RequestRecord[];
  /** process.cpuUsage() delta of the client process over the run, microseconds. */
  readonly cpuUserUs: number;
  readonly cpuSystemUs: number;
  /** Epoch ms of the first arrival and of the last settlement. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Time from the first arrival to the last arrival being scheduled late, worst case (ms). */
  readonly worstArrivalLagMs: number;
}

export interface RunFailure {
  readonly type: 'failure';
  readonly message: string;
}

export interface Warmed {
  readonly type: 'warmed';
  readonly ok: number;
}

export type WorkerReply = RunResult | Warmed | RunFailure;
