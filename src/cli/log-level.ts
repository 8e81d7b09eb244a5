// PORTCULLIS_LOG_LEVEL, checked before a long-running command starts: pino refuses a
// level it does not know by throwing, which made `start` fail with exit 1 after the
// configuration was read; a misspelt setting is bad usage (exit 2) and says what it takes.
import type { CommandIo } from './io.ts';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The level to log at (`fallback` when the variable is unset), or null after telling the operator. */
export function logLevelFor(command: string, io: CommandIo, fallback: string): string | null {
  const level = process.env.PORTCULLIS_LOG_LEVEL ?? fallback;
  if (LEVELS.includes(level)) return level;
  io.err(`portcullis ${command}: PORTCULLIS_LOG_LEVEL must be one of ${LEVELS.join(', ')} (not "${level}")`);
  return null;
}
