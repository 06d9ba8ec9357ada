// Command-line entry of Resilient Claude: dispatches to one subcommand.
import { runAsk } from './ask';
import { runBrokerCommand } from './broker-command';
import { runMessages } from './messages';
import { runServe } from './serve-command';
import { runSimulate } from './simulate-command';

const USAGE = `Usage: resilient-claude <command> [options]

Commands:
  simulate   run the Anthropic-compatible simulator (--scenario NAME|FILE --port N [--api-key KEY])
  ask        send one request through the resilient client (--broker: on the shared broker)
  messages   send a Messages API body (JSON on stdin) through the resilient client
  broker     run the user's shared request manager in the foreground
  serve      run the local endpoint for every Claude client (--port N --base-url URL --models a,b,c)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulate':
      return runSimulate(rest);
    case 'ask':
      return runAsk(rest);
    case 'broker':
      return runBrokerCommand(rest);
    case 'messages':
      return runMessages(rest);
    case 'serve':
      return runServe(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
