// Entry point of dist/broker.js.
import { runBrokerProcess } from './main';

runBrokerProcess().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Broker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
