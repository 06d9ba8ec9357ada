// Runs the ask command with captured output instead of the process streams.
import type { CliIo } from '../../../src/cli/cliSession';
import { TEST_KEY } from './harness';

export interface Captured {
  io: CliIo;
  out: () => string;
  err: () => string;
}

export function captureIo(key: string | undefined = TEST_KEY): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: { ANTHROPIC_API_KEY: key },
      configOverrides: { headersTimeoutMs: 2000, idleTimeoutMs: 300, retry: { baseDelayMs: 5, maxDelayMs: 20 } as never },
    },
    out: () => out,
    err: () => err,
  };
}

