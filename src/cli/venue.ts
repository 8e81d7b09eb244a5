// `portcullis venue [--host H] [--port N] [--mode match|ack]`: the reference
// venue simulator, until Ctrl-C.
import { parseArgs } from 'node:util';
import { createLogger } from '../control/logger.ts';
import { startVenueSimulator } from '../venue/simulator/server.ts';
import { integerOption } from './integer-option.ts';
import type { CommandIo } from './io.ts';
import { logLevelFor } from './log-level.ts';
import { untilSignal } from './signals.ts';

export const VENUE_HELP = `Usage: portcullis venue [--host HOST] [--port N] [--mode match|ack]

Runs the reference venue simulator that the firewall forwards to (SPEC
section 6): price-time priority matching per symbol (--mode match, default),
or an acknowledge-everything mode for benchmarks (--mode ack).

  --host HOST   address to listen on (default 127.0.0.1)
  --port N      TCP port (default 7401; 0 picks a free one)
  --mode MODE   match (default) or ack`;

export async function venueCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { host?: string; port?: string; mode?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        mode: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.err(`portcullis venue: ${(error as Error).message}\n${VENUE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(VENUE_HELP);
    return 0;
  }
  const port = integerOption(values.port ?? '7401', 0, 65_535);
  if (port === null) {
    io.err('portcullis venue: --port must be a decimal integer from 0 to 65535');
    return 2;
  }
  const level = logLevelFor('venue', io, 'info');
  if (level === null) return 2;
  const mode = values.mode ?? 'match';
  if (mode !== 'match' && mode !== 'ack') {
    io.err('portcullis venue: --mode must be match or ack');
    return 2;
  }
  const log = createLogger(level);
  const venue = await startVenueSimulator({ host: values.host ?? '127.0.0.1', port, mode, logger: log });
  log.info({ port: venue.port, mode }, 'venue simulator listening');
  await untilSignal();
  await venue.close();
  return 0;
}
