// The `portcullis` command's dispatcher (SPEC section 1). Exit codes: 0 success, 1 runtime
// failure, 2 bad usage or invalid configuration.
import { CHECK_CONFIG_HELP, checkConfigCommand } from './check-config.ts';
import { DEMO_HELP, demoCommand } from './demo.ts';
import { type CommandIo, processIo } from './io.ts';
import { KEYGEN_HELP, keygenCommand } from './keygen.ts';
import { ORDER_HELP, orderCommand } from './order.ts';
import { exitOnStopSignal } from './signals.ts';
import { START_HELP, startCommand } from './start.ts';
import { VENUE_HELP, venueCommand } from './venue.ts';

const COMMANDS: Record<
  string,
  {
    run: (argv: string[], io: CommandIo) => number | Promise<number>;
    help: string;
    /** Runs until Ctrl-C or SIGTERM, then stops cleanly (signals.ts untilSignal); others are interrupted. */
    runsUntilStopped?: true;
  }
> = {
  start: { run: startCommand, help: START_HELP, runsUntilStopped: true },
  venue: { run: venueCommand, help: VENUE_HELP, runsUntilStopped: true },
  demo: { run: demoCommand, help: DEMO_HELP, runsUntilStopped: true },
  keygen: { run: keygenCommand, help: KEYGEN_HELP },
  'check-config': { run: checkConfigCommand, help: CHECK_CONFIG_HELP },
  order: { run: orderCommand, help: ORDER_HELP },
};

export const HELP = `Usage: portcullis <command> [options]

An order-API firewall in front of a matching engine.

Commands:
  start --config FILE     run the firewall
  venue [--port N] [--mode match|ack]
                          run the reference venue simulator
  demo                    run venue + firewall with demo keys (what \`npm start\` runs)
  keygen --type ed25519|hmac-sha256 [--id ID --account ACC]
                          print a key entry for the config and the client's private half
  check-config FILE       validate a configuration, printing every problem with its JSON path
  order ...               send one signed order over REST or FIX/WS

Run \`portcullis <command> --help\` for a command's options.`;

export async function main(argv: string[], io: CommandIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    // Bad usage: the help goes where errors go, not into a pipe that expected output.
    io.err(HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`portcullis: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  if (!command.runsUntilStopped) exitOnStopSignal(name);
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`portcullis ${name}: ${(error as Error).message}`);
    return 1;
  }
}
