// Settings that are read once, when the firewall starts: the listener, the venue
// link, the WebSocket route's limits, the replay cache's window and the lockout.
// A reload that changes one of them is refused as a whole (the running
// configuration stays) rather than half applied. A silently ignored change
// would be worse than none: a longer receive window, say, would admit requests
// older than the replay cache remembers, so a captured one could be sent again.
import type { ConfigProblem } from './load.ts';
import type { Config } from './schema.ts';

const START_ONLY: ReadonlyArray<readonly [string, (config: Config) => unknown]> = [
  ['$.listen', (c) => c.listen],
  ['$.venue', (c) => c.venue],
  ['$.session.recvWindowMs', (c) => c.session.recvWindowMs],
  ['$.session.maxHeartBtInt', (c) => c.session.maxHeartBtInt],
  ['$.session.maxMessageBytes', (c) => c.session.maxMessageBytes],
  ['$.limits.authFailuresBeforeLockout', (c) => c.limits.authFailuresBeforeLockout],
  ['$.limits.lockoutMs', (c) => c.limits.lockoutMs],
  ['$.state', (c) => c.state],
];

/** The start-only settings that `next` changes from `running`, each as a problem for the reload. */
export function startOnlyChanges(running: Config, next: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [path, read] of START_ONLY) {
    if (JSON.stringify(read(running)) !== JSON.stringify(read(next))) {
      problems.push({ path, message: 'takes effect only at start: restart the firewall to change it' });
    }
  }
  return problems;
}
