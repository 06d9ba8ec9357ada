// The simulator on loopback behind a recording proxy: a test points its client (or `serve`) at the
// proxy and reads from it what reached the API and what the API answered.
import { startSimulator } from '../../src/simulator/index';
import type { RunningSimulator, Scenario } from '../../src/simulator/index';
import { recordingProxy } from './recordingProxy';
import type { RecordingProxy } from './recordingProxy';

export interface RecordedSimulator {
  readonly sim: RunningSimulator;
  /** In front of `sim`: where requests go. */
  readonly proxy: RecordingProxy;
  close(): Promise<void>;
}

/** Starts the simulator (checking `apiKey`) and the proxy in front of it. */
export async function recordedSimulator(scenario: Scenario, apiKey: string): Promise<RecordedSimulator> {
  const sim = await startSimulator({ scenario, apiKey });
  try {
    const proxy = await recordingProxy(sim.url);
    return {
      sim,
      proxy,
      close: async () => {
        await proxy.close();
        await sim.close();
      },
    };
  } catch (error) {
    await sim.close();
    throw error;
  }
}
