// Signals end every command with an exit code of its own (SPEC section 1: 0, 1 or 2),
// never by the signal's default action, which kills the process with no exit code and
// no log line. The handlers are installed first thing (cli.ts), before the slow part of
// a start (loading the modules and the native addon, binding the port, reaching the
// venue). A signal that comes meanwhile is remembered:
// - a long-running command (start, venue, demo) acts on it once it runs, in
//   untilSignal(): Ctrl-C (SIGINT) or SIGTERM stops it cleanly (exit 0); SIGHUP reloads
//   where the command reloads (start), and stops it like the others elsewhere;
// - any other command (order, keygen, ...) is interrupted by any of them, exit 1.
// This module imports nothing, so that cli.ts can load it before everything else.

type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

let installed = false;
let stopReceived: Signal | null = null;
let hangupReceived = false;
/** What a signal does now; until a command says, it is only remembered. */
let react: (signal: Signal) => void = (signal) => {
  if (signal === 'SIGHUP') hangupReceived = true;
  else stopReceived ??= signal;
};

export function catchStopSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => react(signal));
}

/** For a command that ends on its own (order, keygen, ...): a signal interrupts it, exit 1. */
export function exitOnStopSignal(command: string): void {
  // Not caught (main() called as a function): the signals keep their default action.
  if (!installed) return;
  react = (signal) => {
    process.stderr.write(`portcullis ${command}: interrupted by ${signal}\n`);
    process.exit(1);
  };
  if (stopReceived || hangupReceived) react(stopReceived ?? 'SIGHUP');
}

/**
 * For a long-running command, once it runs: resolves on the first stop signal, also one
 * that came while it started. SIGHUP calls onHangup (a reload), or stops it without one.
 * A second Ctrl-C or SIGTERM while the command shuts down ends the process at once, exit 1.
 */
export function untilSignal(onHangup?: () => void): Promise<Signal> {
  catchStopSignals();
  return new Promise((resolve) => {
    const stop = (signal: Signal) => {
      react = (again) => {
        if (again === 'SIGHUP') return;
        process.stderr.write(`portcullis: ${again} while stopping; exiting at once\n`);
        process.exit(1);
      };
      resolve(signal);
    };
    react = (signal) => {
      if (signal === 'SIGHUP' && onHangup) onHangup();
      else stop(signal);
    };
    if (stopReceived) stop(stopReceived);
    else if (hangupReceived) react('SIGHUP');
  });
}
