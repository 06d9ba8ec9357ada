// The soak's simulator, in a process of its own so the soak's heap figures are the manager's alone
// (the simulator keeps up to 100,000 request records for its stats: a cap that fills).
// Prints one JSON line { url } and runs until its parent closes stdin.
import { startSimulator, type Scenario } from '../../src/simulator/index';
import { SOAK_API_KEY, soakScenario } from './soakScenario';

async function main(): Promise<void> {
  const scenario: Scenario = soakScenario();
  const sim = await startSimulator({ scenario, apiKey: SOAK_API_KEY });
  process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void sim.close().then(() => process.exit(0));
  });
}

void main();
