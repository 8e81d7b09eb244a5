// The firewall configuration of a bench run, built in memory: one market
// (BTC-PERP, as in config/demo.json), the accounts and keys a scenario asks
// for, keys generated fresh (src/cli/keygen.ts), and every limit raised so that
// only what a scenario means to limit is limited:
// - per-IP and per-connection rates: 1e9/s (all load comes from 127.0.0.1);
// - account rates 1e9/s unless the scenario sets one; maxOpenOrders 1e9 and no
//   maxPosition (in 'ack' mode the venue never fills or cancels, so every
//   accepted order stays open in the firewall's registry);
// - authFailuresBeforeLockout 1e9: the lockout is per address too, and the
//   mixed scenario's bad signatures would otherwise lock 127.0.0.1 out;
// - maxConnectionsPerIp: what the scenario opens, plus room.
import { generateKey } from '../../src/cli/keygen.ts';
import type { ConfigInput, KeyConfig } from '../../src/state/config/schema.ts';
import type { KeySpec } from './protocol.ts';

export const SYMBOL = 'BTC-PERP';
export const TARGET_COMP_ID = 'PORTCULLIS';
/** BTC-PERP: tick 0.5, lot 0.001. The reference price the firewall is given at start (65000). */
export const TICK = '0.5';
export const LOT = '0.001';
export const REFERENCE_PRICE_TICKS = 130_000;
export const COLLAR_BPS = 500;

export interface AccountSpec {
  id: string;
  ordersPerSec?: number;
  burst?: number;
}

export interface KeyRequest {
  id: string;
  account: string;
  type: 'hmac-sha256' | 'ed25519';
}

export interface FirewallSetup {
  config: ConfigInput;
  /** Environment the HMAC secrets are read from ({"env": NAME} in the config). */
  secrets: Record<string, string>;
  keys: Record<string, KeySpec>;
}

export function firewallSetup(
  accounts: AccountSpec[],
  keys: KeyRequest[],
  options: { maxConnectionsPerIp?: number } = {},
): FirewallSetup {
  const config: ConfigInput = {
    listen: { host: '127.0.0.1', port: 0, tls: null },
    venue: { host: '127.0.0.1', port: 0, timeoutMs: 5000 },
    session: {
      targetCompId: TARGET_COMP_ID,
      recvWindowMs: 5000,
      maxHeartBtInt: 60,
      maxMessageBytes: 4096,
      logonTimeoutMs: 15_000,
    },
    limits: {
      perIp: { ratePerSec: 1e9, burst: 1e9 },
      perConnection: { ratePerSec: 1e9, burst: 1e9 },
      maxConnectionsPerIp: options.maxConnectionsPerIp ?? 1000,
      authFailuresBeforeLockout: 1e9,
      lockoutMs: 0,
    },
    markets: [
      {
        symbol: SYMBOL,
        tickSize: TICK,
        lotSize: LOT,
        minQty: '0.001',
        maxQty: '100',
        maxNotional: '5000000',
        collarBps: COLLAR_BPS,
        status: 'open',
      },
    ],
    accounts: accounts.map((a) => ({
      id: a.id,
      kyc: 'verified' as const,
      blocked: false,
      limits: {
        maxOpenOrders: 1e9,
        ordersPerSec: a.ordersPerSec ?? 1e9,
        burst: a.burst ?? 1e9,
        maxPosition: {},
      },
    })),
    keys: [],
    state: { backend: 'memory' },
  };
  const secrets: Record<string, string> = {};
  const specs: Record<string, KeySpec> = {};
  for (const request of keys) {
    const generated = generateKey(request.type, request.id, request.account);
    if (request.type === 'hmac-sha256') {
      secrets[(generated.entry.secret as { env: string }).env] = generated.privateHalf;
    }
    config.keys.push(generated.entry as KeyConfig);
    specs[request.id] = { ...request, secret: generated.privateHalf };
  }
  return { config, secrets, keys: specs };
}

/** Keys for the baselines, which check HMAC signatures themselves (alt-stack) or nothing (relay). */
export function hmacKey(id: string, account: string): KeySpec {
  return { id, account, type: 'hmac-sha256', secret: generateKey('hmac-sha256', id, account).privateHalf };
}
