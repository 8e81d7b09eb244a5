#!/usr/bin/env node
// The `portcullis` command (SPEC section 1); the commands live in cli/.
import { main } from './cli/main.ts';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A failed command may leave a socket or timer behind: do not hang on it.
  if (code !== 0) setTimeout(() => process.exit(code), 100).unref();
});
