// What the healthy-path overhead benchmark measures (passthroughBench.ts), and the one line that reports it.
import type { PairedFigures } from '../lib/pairedRounds';
import { pairedLine } from '../lib/pairedRounds';

export interface PassthroughFigures {
  readonly requests: number;
  readonly p50SdkMs: number;
  readonly p50OursMs: number;
  /** CPU per request, median over the rounds. */
  readonly cpuSdkMs: number;
  readonly cpuOursMs: number;
  /** p50 through the manager ÷ p50 with the bare SDK. */
  readonly p50Ratio: number;
  /** CPU per request through the manager ÷ CPU per request with the bare SDK (median of the rounds' ratios). */
  readonly cpuRatio: number;
  /** CPU per request round by round (absent in results from before rounds). */
  readonly cpu?: PairedFigures;
  /** The same with fetch answering from memory: the clients' own CPU, without the network's. */
  readonly cpuWithoutNetwork?: PairedFigures;
}

const micro = (ms: number): string => `${ms >= 0 ? '+' : '−'}${Math.round(Math.abs(ms) * 1000)} µs`;

/** The line the report and the console show. */
export function passthroughLine(f: PassthroughFigures): string {
  return (
    `Healthy path, manager vs bare SDK (${f.requests} streamed requests each, interleaved): ` +
    `p50 ${f.p50OursMs} ms vs ${f.p50SdkMs} ms, ratio ${f.p50Ratio}; CPU per request ` +
    (f.cpu === undefined
      ? `${f.cpuOursMs} ms vs ${f.cpuSdkMs} ms, ratio ${f.cpuRatio}`
      : `${pairedLine(f.cpu)}, median of ${f.cpu.rounds.length} rounds`) +
    (f.cpuWithoutNetwork === undefined
      ? ''
      : `; without the network (fetch from memory) ${micro(f.cpuWithoutNetwork.diffMs.median)} per request ` +
        `(rounds ${micro(f.cpuWithoutNetwork.diffMs.min)}…${micro(f.cpuWithoutNetwork.diffMs.max)}; ${Math.round(f.cpuWithoutNetwork.oursMs.median * 1000)} vs ${Math.round(f.cpuWithoutNetwork.sdkMs.median * 1000)} µs)`)
  );
}
