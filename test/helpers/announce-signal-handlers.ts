// Preloaded into a CLI process by tests (node --import): writes `caught SIGINT <ms>` (SIGTERM,
// SIGHUP) to stdout the first time the program adds a handler for that signal, with the
// time, which a test compares with the log lines' (their order on stdout may differ).
import { writeSync } from 'node:fs';

const announced = new Set<string | symbol>();
for (const method of ['on', 'addListener', 'prependListener', 'once'] as const) {
  const original = process[method].bind(process) as (
    event: string | symbol,
    listener: never,
  ) => NodeJS.Process;
  process[method] = ((event: string | symbol, listener: never) => {
    const result = original(event, listener);
    // Only once the handler is in place: a signal sent on seeing the line must find it.
    if ((event === 'SIGINT' || event === 'SIGTERM' || event === 'SIGHUP') && !announced.has(event)) {
      announced.add(event);
      writeSync(1, `caught ${String(event)} ${Date.now()}\n`);
    }
    return result;
  }) as never;
}
