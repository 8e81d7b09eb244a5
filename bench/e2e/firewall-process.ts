// Bench process: one firewall (Firewall.start) with the in-memory configuration
// the orchestrator built (setup.ts), in front of the venue simulator. The
// market is given its reference price at start, so the collar check runs (the
// ack-mode venue never trades, so it would otherwise stay unset).
import { silentLogger } from '../../src/control/logger.ts';
import { Firewall } from '../../src/firewall.ts';
import { loadConfigFromObject } from '../../src/state/config/load.ts';
import { runChild } from './child.ts';
import type { ListeningInfo } from './protocol.ts';
import { REFERENCE_PRICE_TICKS, SYMBOL } from './setup.ts';

export interface FirewallProcessOptions {
  config: unknown;
  secrets: Record<string, string>;
  venuePort: number;
}

let firewall: Firewall | null = null;

runChild('firewall', {
  start: async (raw): Promise<ListeningInfo> => {
    const options = raw as FirewallProcessOptions;
    const loaded = loadConfigFromObject(options.config, 'bench', { env: options.secrets });
    firewall = await Firewall.start({
      loaded,
      log: silentLogger(),
      port: 0,
      venuePort: options.venuePort,
      firewallId: `bench-${process.pid}`,
    });
    const market = firewall.runtime.model.markets.get(SYMBOL)!;
    firewall.runtime.tables.setReferencePrice(market.index, REFERENCE_PRICE_TICKS);
    return { port: firewall.port };
  },
  stop: async () => {
    await firewall?.stop();
  },
});
