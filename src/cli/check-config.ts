// `portcullis check-config FILE`: validates a configuration the way `start`
// would (schema, references, decimals on their steps, key material, secrets
// resolvable) and prints every problem with its JSON path. Exit 2 on problems.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../state/config/load.ts';
import type { CommandIo } from './io.ts';

export const CHECK_CONFIG_HELP = `Usage: portcullis check-config FILE

Validates a portcullis configuration file and prints every problem with its
JSON path (for example "$.markets[0].tickSize: ..."). Secrets named by
{"env": NAME} must be set and {"file": PATH} must be readable, as at start.

Exit codes: 0 valid, 2 invalid or bad usage.`;

export function checkConfigCommand(argv: string[], io: CommandIo): number {
  let help: boolean | undefined;
  let positionals: string[];
  try {
    ({
      values: { help },
      positionals,
    } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (error) {
    io.err(`portcullis check-config: ${(error as Error).message}\n${CHECK_CONFIG_HELP}`);
    return 2;
  }
  if (help) {
    io.out(CHECK_CONFIG_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(`portcullis check-config: expected exactly one FILE\n${CHECK_CONFIG_HELP}`);
    return 2;
  }
  const file = positionals[0]!;
  try {
    const { config, warnings } = loadConfigFile(file);
    for (const warning of warnings) io.err(`warning ${warning.path}: ${warning.message}`);
    io.out(
      `${file}: valid (${config.markets.length} markets, ${config.accounts.length} accounts, ${config.keys.length} keys)`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`${file}: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    for (const problem of error.problems) io.err(`${problem.path}: ${problem.message}`);
    return 2;
  }
}
