// A real firewall in front of a real venue simulator, on random ports, with
// demo markets and freshly generated keys for two accounts (HMAC for REST,
// Ed25519 for FIX). Every e2e test starts one and stops it.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateKey } from '../../src/cli/keygen.ts';
import { type Credentials, ed25519PrivateKeyFromSeed } from '../../src/client/credentials.ts';
import { RestClient } from '../../src/client/rest-client.ts';
import { silentLogger } from '../../src/control/logger.ts';
import { Firewall, type FirewallOptions } from '../../src/firewall.ts';
import { loadConfigFromObject } from '../../src/state/config/load.ts';
import type { ConfigInput, KeyConfig } from '../../src/state/config/schema.ts';
import { startVenueSimulator, type VenueSimulator } from '../../src/venue/simulator/server.ts';

export interface FixtureOptions {
  mode?: 'match' | 'ack';
  /** Edits the config before it is loaded. */
  configure?: (config: ConfigInput) => void;
  firewall?: Partial<FirewallOptions>;
}

export async function startFirewallFixture(options: FixtureOptions = {}) {
  const venue: VenueSimulator = await startVenueSimulator({ port: 0, mode: options.mode ?? 'match' });
  const config: ConfigInput = JSON.parse(
    readFileSync(new URL('../../config/demo.json', import.meta.url), 'utf8'),
  );
  config.listen.port = 0;
  config.venue.port = venue.port;
  const secrets: Record<string, string> = {};
  const credentials: Record<string, Credentials> = {};
  for (const account of ['MM1', 'MM2']) {
    const rest = generateKey('hmac-sha256', `${account.toLowerCase()}-rest`, account);
    const env = (rest.entry.secret as { env: string }).env;
    secrets[env] = rest.privateHalf;
    config.keys.push(rest.entry as KeyConfig);
    credentials[`${account}-rest`] = {
      type: 'hmac-sha256',
      keyId: rest.entry.id as string,
      secret: rest.privateHalf,
    };
    const fix = generateKey('ed25519', `${account.toLowerCase()}-fix`, account);
    config.keys.push(fix.entry as KeyConfig);
    credentials[`${account}-fix`] = {
      type: 'ed25519',
      keyId: fix.entry.id as string,
      privateKey: ed25519PrivateKeyFromSeed(Buffer.from(fix.privateHalf, 'base64')),
    };
  }
  options.configure?.(config);
  const loaded = loadConfigFromObject(config, 'test', { env: secrets });
  const firewall = await Firewall.start({
    loaded,
    log: silentLogger(),
    firewallId: `test-${randomBytes(3).toString('hex')}`,
    ...options.firewall,
  });
  const baseUrl = `http://127.0.0.1:${firewall.port}`;
  return {
    venue,
    firewall,
    config,
    credentials,
    baseUrl,
    rest: (name: string) => new RestClient(baseUrl, credentials[name]!),
    async stop() {
      await firewall.stop();
      await venue.close();
    },
  };
}
