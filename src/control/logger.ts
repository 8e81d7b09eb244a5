// Logs: one JSON object per line on stdout (pino), SPEC section 1. Secrets
// never reach a log: nothing logs a configuration object or a request body;
// the redact list is a second line of defence for fields that must never show.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.PORTCULLIS_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { name: 'portcullis' },
    redact: { paths: ['secret', '*.secret', 'signature', '*.signature', 'privateKey'], censor: '[redacted]' },
  });
}

/** A logger that writes nothing (tests, benches). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
