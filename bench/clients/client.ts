// The one interface every benchmarked client implements.
import type { ClientName } from '../config';

export interface SendResult {
  readonly ok: boolean;
  readonly latencyMs: number;
  /** Upstream attempts the client itself made for this request, when it can tell. */
  readonly attempts?: number;
  /** Hedges (a second attempt beside a late first token) the client started, when it can tell. */
  readonly hedges?: number;
  /** The model that produced the answer (null on failure). */
  readonly model: string | null;
  /** Short failure reason (error class or type), never a secret. */
  readonly error?: string;
  /** The answer text on success, checked against the simulator's canonical answer. */
  readonly text?: string;
}

export interface BenchClient {
  readonly name: ClientName;
  send(prompt: string, signal: AbortSignal): Promise<SendResult>;
  close(): Promise<void>;
}

export interface ClientEnv {
  /** The simulator's base URL (the SDK's baseURL). */
  readonly simUrl: string;
  /** The local Portkey gateway's base URL, when it runs. */
  readonly gatewayUrl: string | null;
  readonly chain: readonly string[];
  readonly maxTokens: number;
  readonly apiKey: string;
}
