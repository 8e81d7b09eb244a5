// `portcullis start --config FILE`: runs the firewall until Ctrl-C. SIGHUP
// reloads the configuration file (atomically; a bad file keeps the running one).
import { parseArgs } from 'node:util';
import { createLogger } from '../control/logger.ts';
import { ConfigError, loadConfigFile } from '../state/config/load.ts';
import type { CommandIo } from './io.ts';
import { loadFirewall } from './load-firewall.ts';
import { logLevelFor } from './log-level.ts';
import { untilSignal } from './signals.ts';

export const START_HELP = `Usage: portcullis start --config FILE

Runs the firewall with the configuration FILE (SPEC section 2): listens for
FIX over WebSocket (/fix) and REST (/api/v1) on listen.host:listen.port and
forwards what passes to the venue at venue.host:venue.port. Logs one JSON
object per line on stdout. SIGHUP reloads FILE; Ctrl-C stops.

Exit codes: 0 stopped cleanly, 1 runtime failure, 2 bad usage or invalid configuration.`;

export async function startCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.err(`portcullis start: ${(error as Error).message}\n${START_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(START_HELP);
    return 0;
  }
  if (!values.config) {
    io.err(`portcullis start: --config FILE is required\n${START_HELP}`);
    return 2;
  }
  const level = logLevelFor('start', io, 'info');
  if (level === null) return 2;
  const file = values.config;
  let loaded: ReturnType<typeof loadConfigFile>;
  try {
    loaded = loadConfigFile(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.err(`${file} ${problem.path}: ${problem.message}`);
    return 2;
  }
  const Firewall = await loadFirewall();
  const log = createLogger(level);
  // The venue may come up after the firewall: the link keeps retrying, and orders get VENUE_UNAVAILABLE meanwhile.
  const firewall = await Firewall.start({ loaded, log, waitForVenue: false });
  await untilSignal(() => {
    try {
      const next = loadConfigFile(file);
      firewall.reload(next);
      // As at start (the firewall logs them then): an inline secret is worth a warning each time.
      for (const warning of next.warnings) log.warn({ path: warning.path }, warning.message);
    } catch (error) {
      const problems =
        error instanceof ConfigError ? error.problems : [{ path: '$', message: String(error) }];
      log.error({ problems }, 'reload refused; the running configuration stays');
    }
  });
  await firewall.stop();
  return 0;
}
