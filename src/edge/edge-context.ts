// What both doors (FIX and REST) share: the firewall's state, the router to
// the venue, the authentication defences, and the log.
import type { Logger } from '../control/logger.ts';
import type { OrderRouter } from '../routing/order-router.ts';
import type { Lockout } from '../state/lockout.ts';
import type { FirewallRuntime } from '../state/runtime.ts';
import type { ReplayCache } from './replay-cache.ts';

export interface EdgeContext {
  readonly runtime: FirewallRuntime;
  readonly router: OrderRouter;
  readonly lockout: Lockout;
  readonly replay: ReplayCache;
  readonly log: Logger;
}
