// `broker`: runs the user's broker in the foreground (the process windows and `ask --broker`
// share); it exits a while after its last client leaves, or on Ctrl-C.
import { runBrokerProcess } from '../broker/main';

export const BROKER_USAGE = `Usage: broker

Runs the shared request manager for this user in the foreground. Its socket lives in
$RESILIENT_CLAUDE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/resilient-claude, else a private folder
under the temp folder. Exits when another broker already runs, or a while after the last client
leaves (RESILIENT_CLAUDE_BROKER_IDLE_MS, default 60000).
`;

export async function runBrokerCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(BROKER_USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`broker: unexpected ${JSON.stringify(argv[0])}\n${BROKER_USAGE}`);
    return 2;
  }
  return runBrokerProcess();
}
