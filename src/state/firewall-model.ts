// The firewall's model: the validated configuration turned into the objects
// the pipeline reads (markets, accounts, keys with every limit in integer
// ticks and lots). A model is immutable once built, except for the flags an
// operator flips at run time (market status, account blocked, key revoked);
// a reload builds a whole new model and swaps it in (see runtime.ts).
import { registerEd25519Key, registerHmacSha256Key, removeKey } from '../native/keys.ts';
import type { RateLimiter } from '../native/rate-limiter.ts';
import type { ThrottlePolicies } from '../pipeline/throttle.ts';
import { type AccountState, Kyc, type KycValue } from './accounts.ts';
import { type ApiKeyState, KeyType, Permission } from './api-keys.ts';
import { CidrMatcher } from './cidr.ts';
import type { AccountConfig, Config, KeyConfig, MarketConfig } from './config/schema.ts';
import { DecimalStep, parseDecimal } from './decimal.ts';
import { type MarketState, MarketStatus, type MarketStatusValue } from './markets.ts';
import type { IndexAllocator } from './shared-tables.ts';

export interface FirewallModel {
  readonly config: Config;
  readonly markets: ReadonlyMap<string, MarketState>;
  readonly accounts: ReadonlyMap<string, AccountState>;
  readonly keys: ReadonlyMap<string, ApiKeyState>;
  readonly policies: ThrottlePolicies;
}

/** What building a model needs from the long-lived runtime. */
export interface ModelContext {
  limiter: RateLimiter;
  marketIndices: IndexAllocator;
  accountIndices: IndexAllocator;
  keyIndices: IndexAllocator;
  /** Returns the id of the named policy, creating it or updating its rate in place. */
  policy(name: string, ratePerSec: number, burst: number): number;
  secrets: ReadonlyMap<string, Uint8Array>;
  /** Key ids revoked at run time: a reload must not bring them back. */
  revoked: ReadonlySet<string>;
}

const STATUS: Record<MarketConfig['status'], MarketStatusValue> = {
  open: MarketStatus.OPEN,
  halted: MarketStatus.HALTED,
  closed: MarketStatus.CLOSED,
};
const KYC: Record<AccountConfig['kyc'], KycValue> = {
  verified: Kyc.VERIFIED,
  pending: Kyc.PENDING,
  rejected: Kyc.REJECTED,
};
const PERMISSION = { trade: Permission.TRADE, cancel: Permission.CANCEL, read: Permission.READ } as const;

/**
 * Builds a model from a validated configuration, registering its keys with
 * this thread's native registry. On failure, every key registered so far is
 * removed again, so a bad reload leaves nothing behind.
 */
export function buildModel(config: Config, context: ModelContext): FirewallModel {
  const markets = new Map<string, MarketState>();
  for (const market of config.markets) markets.set(market.symbol, buildMarket(market, context));

  const policies: ThrottlePolicies = {
    perIp: context.policy('ip:orders', config.limits.perIp.ratePerSec, config.limits.perIp.burst),
    perIpCancel: context.policy('ip:cancels', config.limits.perIp.ratePerSec, config.limits.perIp.burst),
    perConnection: context.policy(
      'connection:orders',
      config.limits.perConnection.ratePerSec,
      config.limits.perConnection.burst,
    ),
    perConnectionCancel: context.policy(
      'connection:cancels',
      config.limits.perConnection.ratePerSec,
      config.limits.perConnection.burst,
    ),
  };

  const accounts = new Map<string, AccountState>();
  for (const account of config.accounts) {
    accounts.set(account.id, buildAccount(account, markets, context));
  }

  const keys = new Map<string, ApiKeyState>();
  try {
    for (const key of config.keys) keys.set(key.id, buildKey(key, accounts, markets, context));
  } catch (error) {
    releaseKeys(keys.values());
    throw error;
  }
  return { config, markets, accounts, keys, policies };
}

/** Removes a model's keys from the native registry (after it was swapped out). */
export function releaseKeys(keys: Iterable<ApiKeyState>): void {
  for (const key of keys) removeKey(key.nativeId);
}

function stepsOf(text: string, step: DecimalStep): number {
  const steps = parseDecimal(text, 0, text.length, step);
  // The schema already checked every decimal against its step; this is a programming error.
  if (steps < 0) throw new Error(`"${text}" is not on step ${step.text}`);
  return steps;
}

function buildMarket(market: MarketConfig, context: ModelContext): MarketState {
  const tick = DecimalStep.parse(market.tickSize);
  const lot = DecimalStep.parse(market.lotSize);
  // maxNotional in units of (1 lot x 1 tick), exactly: N / (lot x tick), floored.
  // Computed in BigInt at the scale of both steps' decimals.
  const notional = toScaledBigInt(market.maxNotional, tick.decimals + lot.decimals);
  const unit = BigInt(tick.units) * BigInt(lot.units);
  const maxNotionalUnits = notional / unit;
  return {
    symbol: market.symbol,
    index: context.marketIndices.indexOf(market.symbol),
    tickSize: market.tickSize,
    lotSize: market.lotSize,
    tick,
    lot,
    minQtyLots: stepsOf(market.minQty, lot),
    maxQtyLots: stepsOf(market.maxQty, lot),
    maxNotionalUnits:
      maxNotionalUnits > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(maxNotionalUnits),
    collarBps: market.collarBps,
    requireReferencePrice: market.requireReferencePrice,
    status: STATUS[market.status],
  };
}

/** "12.5" at 3 decimals → 12500n (the schema guarantees the shape). */
function toScaledBigInt(text: string, decimals: number): bigint {
  const [whole, fraction = ''] = text.split('.') as [string, string?];
  const digits = fraction.slice(0, decimals).padEnd(decimals, '0');
  // Digits beyond `decimals` only make the limit larger by less than one unit: flooring drops them.
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(digits || '0');
}

function buildAccount(
  account: AccountConfig,
  markets: ReadonlyMap<string, MarketState>,
  context: ModelContext,
): AccountState {
  const maxPositionLots = new Float64Array(context.marketIndices.capacity).fill(Number.POSITIVE_INFINITY);
  for (const [symbol, qty] of Object.entries(account.limits.maxPosition)) {
    const market = markets.get(symbol)!;
    maxPositionLots[market.index] = stepsOf(qty, market.lot);
  }
  const { ordersPerSec, burst } = account.limits;
  return {
    id: account.id,
    index: context.accountIndices.indexOf(account.id),
    kyc: KYC[account.kyc],
    blocked: account.blocked,
    maxOpenOrders: account.limits.maxOpenOrders,
    ordersPerSec,
    orderPolicy: context.policy(`account:${account.id}:orders`, ordersPerSec, burst),
    cancelPolicy: context.policy(`account:${account.id}:cancels`, ordersPerSec, burst),
    limitKey: context.limiter.keyOf(`account:${account.id}`),
    maxPositionLots,
  };
}

function buildKey(
  key: KeyConfig,
  accounts: ReadonlyMap<string, AccountState>,
  markets: ReadonlyMap<string, MarketState>,
  context: ModelContext,
): ApiKeyState {
  const allMarkets = key.markets.includes('*');
  const allowedMarkets = new Uint8Array(context.marketIndices.capacity);
  if (!allMarkets) for (const symbol of key.markets) allowedMarkets[markets.get(symbol)!.index] = 1;
  let permissions = 0;
  for (const name of key.permissions) permissions |= PERMISSION[name];
  const cidrs = new CidrMatcher(key.cidrs);
  const index = context.keyIndices.indexOf(key.id);
  let nativeId: number;
  if (key.type === 'ed25519') {
    nativeId = registerEd25519Key(Buffer.from(key.publicKey, 'base64'));
  } else {
    const secret = context.secrets.get(key.id);
    if (!secret) throw new Error(`no secret resolved for key ${key.id}`);
    nativeId = registerHmacSha256Key(secret);
  }
  return {
    id: key.id,
    index,
    account: accounts.get(key.account)!,
    type: key.type === 'ed25519' ? KeyType.ED25519 : KeyType.HMAC_SHA256,
    nativeId,
    permissions,
    allMarkets,
    allowedMarkets,
    cidrs,
    notBeforeMs: key.notBefore ? Date.parse(key.notBefore) : Number.NEGATIVE_INFINITY,
    expiresAtMs: key.expiresAt ? Date.parse(key.expiresAt) : Number.POSITIVE_INFINITY,
    limitKey: context.limiter.keyOf(`key:${key.id}`),
    cancelOnDisconnect: key.cancelOnDisconnect,
    revoked: context.revoked.has(key.id),
  };
}
