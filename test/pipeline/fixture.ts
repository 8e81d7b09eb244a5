// A small, hand-built firewall state for the pipeline tests: one market,
// accounts and keys with limits small enough to reach in a few orders.
import { RateLimiter } from '../../src/native/rate-limiter.ts';
import type { PipelineState } from '../../src/pipeline/pipeline.ts';
import { Action, OrderRequest, OrderType, Side } from '../../src/pipeline/request.ts';
import { type AccountState, Kyc } from '../../src/state/accounts.ts';
import { type ApiKeyState, KeyType, Permission } from '../../src/state/api-keys.ts';
import { CidrMatcher } from '../../src/state/cidr.ts';
import { DecimalStep } from '../../src/state/decimal.ts';
import { type MarketState, MarketStatus } from '../../src/state/markets.ts';
import { OrderRegistry } from '../../src/state/order-registry.ts';
import { SharedTables } from '../../src/state/shared-tables.ts';

export const NOW = Date.parse('2026-11-24T12:00:00Z');

export function makeFixture() {
  const tables = SharedTables.create({ accounts: 8, markets: 4, keys: 8 });
  const orders = new OrderRegistry(tables);
  const limiter = RateLimiter.create({ capacity: 256 });
  const policies = {
    perIp: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
    perIpCancel: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
    perConnection: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
    perConnectionCancel: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
  };

  // BTC-PERP: tick 0.5, lot 0.001; minQty 0.001, maxQty 100, maxNotional 5,000,000, collar 5%.
  const btc: MarketState = {
    symbol: 'BTC-PERP',
    index: 0,
    tickSize: '0.5',
    lotSize: '0.001',
    tick: DecimalStep.parse('0.5'),
    lot: DecimalStep.parse('0.001'),
    minQtyLots: 1,
    maxQtyLots: 100_000,
    maxNotionalUnits: 5_000_000 / (0.5 * 0.001), // 1e10 lot-ticks
    collarBps: 500,
    requireReferencePrice: false,
    status: MarketStatus.OPEN,
  };
  const eth: MarketState = { ...btc, symbol: 'ETH-PERP', index: 1, requireReferencePrice: true };

  const maxPosition = new Float64Array(4).fill(Number.POSITIVE_INFINITY);
  maxPosition[0] = 50_000; // 50 BTC
  const account: AccountState = {
    id: 'MM1',
    index: 0,
    kyc: Kyc.VERIFIED,
    blocked: false,
    maxOpenOrders: 3,
    ordersPerSec: 1,
    orderPolicy: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
    cancelPolicy: limiter.addPolicy({ ratePerSec: 1, burst: 1000 }),
    limitKey: limiter.keyOf('account:MM1'),
    maxPositionLots: maxPosition,
  };
  const allowedMarkets = new Uint8Array(4);
  allowedMarkets[0] = 1;
  const key: ApiKeyState = {
    id: 'mm1-key',
    index: 0,
    account,
    type: KeyType.HMAC_SHA256,
    nativeId: 0,
    permissions: Permission.TRADE | Permission.CANCEL | Permission.READ,
    allMarkets: false,
    allowedMarkets,
    cidrs: new CidrMatcher(['127.0.0.0/8', '::1/128']),
    notBeforeMs: NOW - 1000,
    expiresAtMs: NOW + 86_400_000,
    limitKey: limiter.keyOf('key:mm1-key'),
    cancelOnDisconnect: true,
    revoked: false,
  };
  const state: PipelineState = { tables, orders, limiter, policies };
  tables.setReferencePrice(0, 130_000); // 65,000.0

  let nextOrderId = 1;
  let nextClOrdId = 1;
  /** A valid limit buy of 1 BTC at the reference price. */
  function newOrder(fields: Partial<OrderRequest> = {}): OrderRequest {
    const req = new OrderRequest();
    req.ip = '127.0.0.1';
    req.ipLimitKey = limiter.keyOf('ip:127.0.0.1');
    req.connectionLimitKey = limiter.keyOf('conn:1');
    req.action = Action.NEW_ORDER;
    req.key = key;
    req.account = account;
    req.symbol = 'BTC-PERP';
    req.market = btc;
    req.clOrdId = `c${nextClOrdId++}`;
    req.side = Side.BUY;
    req.type = OrderType.LIMIT;
    req.priceTicks = 130_000;
    req.qtyLots = 1000;
    Object.assign(req, fields);
    return req;
  }
  /** Registers a request as forwarded, as the adapter does after PASS. */
  function forward(req: OrderRequest) {
    return orders.open(nextOrderId++, req, null);
  }
  return { tables, orders, limiter, policies, btc, eth, account, key, state, newOrder, forward };
}
