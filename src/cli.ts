#!/usr/bin/env node
// The `portcullis` command (SPEC section 1); the commands live in cli/.
// Ctrl-C and SIGTERM are caught before the commands' modules load (the native addon,
// uWS.js: a second or so), so that a signal then does not kill the process by its
// default action, with no exit code of its own (cli/signals.ts).
import { catchStopSignals } from './cli/signals.ts';

catchStopSignals();
const { main } = await import('./cli/main.ts');

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A failed command may leave a socket or timer behind: do not hang on it.
  if (code !== 0) setTimeout(() => process.exit(code), 100).unref();
});
