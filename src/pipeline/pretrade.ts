// Stage: is the order sane and within risk? Each check is a small function
// below, run in a fixed order; the first that fails decides the reject code.
// Every limit is compared in integer ticks and lots: exactly at a limit
// passes, one tick or lot over fails.
//
// New orders and replaces (checked as the order they would become) pass every
// check. Cancels and mass cancels pass kill switches and market halts:
// pulling orders must always work. A cancel is refused only for what it
// names: an order that is not live, or a ClOrdID of its own that is another
// order's.
import { type MarketState, MarketStatus } from '../state/markets.ts';
import type { OrderRecord, OrderRegistry } from '../state/order-registry.ts';
import type { SharedTables } from '../state/shared-tables.ts';
import { PASS, RejectCode, type Verdict } from './reject-codes.ts';
import { Action, type OrderRequest, OrderType, Side } from './request.ts';

export interface PretradeState {
  tables: SharedTables;
  orders: OrderRegistry;
}

export function pretrade(req: OrderRequest, state: PretradeState, nowMs: number): Verdict {
  switch (req.action) {
    case Action.NEW_ORDER:
      return checkNewOrder(req, state, nowMs);
    case Action.REPLACE:
      return checkReplace(req, state, nowMs);
    case Action.CANCEL:
      return checkCancel(req, state, nowMs);
    default:
      return PASS; // mass cancel and queries carry no risk
  }
}

function checkNewOrder(req: OrderRequest, state: PretradeState, nowMs: number): Verdict {
  const market = req.market;
  if (market === null) return RejectCode.UNKNOWN_SYMBOL;
  return (
    marketIsOpen(market) ||
    noKillSwitch(req, market, state.tables) ||
    req.fieldError ||
    clOrdIdIsFree(req, state.orders, nowMs) ||
    quantityWithinBounds(req, market) ||
    priceWithinLimits(req, market, state.tables) ||
    openOrdersBelowMax(req, state.tables) ||
    positionWithinMax(req, market, state.tables, 0)
  );
}

function checkReplace(req: OrderRequest, state: PretradeState, nowMs: number): Verdict {
  const order = req.account ? state.orders.findLive(req.account.index, req.origClOrdId) : undefined;
  if (order === undefined || (req.market !== null && order.market !== req.market))
    return RejectCode.UNKNOWN_ORDER;
  req.target = order;
  const market = order.market;
  req.market = market;
  if (req.side !== order.side) {
    req.detail = 'a replace cannot change the side';
    return RejectCode.INVALID_REQUEST;
  }
  if (req.qtyLots <= order.filledLots && req.fieldError === PASS) {
    req.detail = 'the new quantity must exceed the quantity already filled';
    return RejectCode.INVALID_REQUEST;
  }
  return (
    marketIsOpen(market) ||
    noKillSwitch(req, market, state.tables) ||
    req.fieldError ||
    (req.clOrdId !== order.clOrdId ? clOrdIdIsFree(req, state.orders, nowMs) : PASS) ||
    quantityWithinBounds(req, market) ||
    priceWithinLimits(req, market, state.tables) ||
    // Same count of open orders; the position check sees the order's leaves replaced by the new ones.
    positionWithinMax(req, market, state.tables, replacedLeaves(order))
  );
}

function checkCancel(req: OrderRequest, state: PretradeState, nowMs: number): Verdict {
  const order = req.account ? state.orders.findLive(req.account.index, req.origClOrdId) : undefined;
  if (order === undefined || (req.market !== null && order.market !== req.market))
    return RejectCode.UNKNOWN_ORDER;
  req.target = order;
  // A FIX cancel's own ClOrdID names its reports. Another order's would make them read as
  // that order's (a client would mark it canceled), so it is refused; the order's own id
  // (11 = 41, which some clients send, and REST's cancel) is not ambiguous.
  return req.clOrdId !== order.clOrdId ? clOrdIdIsFree(req, state.orders, nowMs) : PASS;
}

// The checks ------------------------------------------------------------------

function marketIsOpen(market: MarketState): Verdict {
  return market.status === MarketStatus.OPEN ? PASS : RejectCode.MARKET_HALTED;
}

function noKillSwitch(req: OrderRequest, market: MarketState, tables: SharedTables): Verdict {
  if (!tables.anyKilled()) return PASS;
  if (
    tables.globalKilled() ||
    tables.accountKilled(req.account!.index) ||
    tables.marketKilled(market.index) ||
    tables.keyKilled(req.key!.index)
  ) {
    return RejectCode.KILL_SWITCH;
  }
  return PASS;
}

function clOrdIdIsFree(req: OrderRequest, orders: OrderRegistry, nowMs: number): Verdict {
  return orders.isClOrdIdTaken(req.account!.index, req.clOrdId, nowMs) ? RejectCode.DUPLICATE_CLORDID : PASS;
}

// Reject messages name the limit and the value; they are built only on the reject path.

function quantityWithinBounds(req: OrderRequest, market: MarketState): Verdict {
  const qtyLots = req.qtyLots;
  if (qtyLots < market.minQtyLots) {
    req.detail = `quantity ${market.lot.format(qtyLots)} is below the minimum ${market.lot.format(market.minQtyLots)}`;
    return RejectCode.MIN_QTY;
  }
  if (qtyLots > market.maxQtyLots) {
    req.detail = `quantity ${market.lot.format(qtyLots)} is above the maximum ${market.lot.format(market.maxQtyLots)}`;
    return RejectCode.MAX_QTY;
  }
  return PASS;
}

/** Reference price, notional and collar. Market orders are valued at the reference price. */
function priceWithinLimits(req: OrderRequest, market: MarketState, tables: SharedTables): Verdict {
  const reference = tables.referencePriceTicks(market.index);
  const isMarketOrder = req.type === OrderType.MARKET;
  if (reference === 0 && (isMarketOrder || market.requireReferencePrice)) {
    req.detail = `${market.symbol} has no reference price yet (no trade since start)`;
    return RejectCode.NO_REFERENCE_PRICE;
  }

  const price = isMarketOrder ? reference : req.priceTicks;
  if (!notionalWithin(req.qtyLots, price, market.maxNotionalUnits)) {
    req.detail = `notional of ${market.lot.format(req.qtyLots)} at ${market.tick.format(price)} is above the maximum`;
    return RejectCode.MAX_NOTIONAL;
  }

  // Two-sided collar: |price - reference| <= reference * collarBps / 10000, in integers.
  if (!isMarketOrder && reference !== 0 && !withinCollar(req.priceTicks, reference, market.collarBps)) {
    // The edge, exact (the reject path only): floor(reference * collarBps / 10000) ticks each way.
    const edge = Number((BigInt(reference) * BigInt(market.collarBps)) / 10000n);
    req.detail = `price ${market.tick.format(req.priceTicks)} is outside ${market.tick.format(reference - edge)}..${market.tick.format(reference + edge)} (reference ${market.tick.format(reference)} +/- ${market.collarBps} bps)`;
    return RejectCode.PRICE_COLLAR;
  }
  return PASS;
}

/**
 * |price - reference| * 10000 <= reference * collarBps, exactly: with fine ticks a price runs
 * to 10^14 ticks and more, where the products pass 2^53.
 */
function withinCollar(priceTicks: number, reference: number, collarBps: number): boolean {
  return productAtMost(Math.abs(priceTicks - reference), 10000, reference, collarBps);
}

/** qty * price <= limit, exactly, also when the product exceeds 2^53. */
export function notionalWithin(qtyLots: number, priceTicks: number, limitUnits: number): boolean {
  return productAtMost(qtyLots, priceTicks, limitUnits, 1);
}

/**
 * a * b <= c * d for non-negative safe integers, exactly: in floating point while both
 * products are below 2^53 (where it is exact), as BigInts past it, where rounding would let a
 * value just over a limit through.
 */
function productAtMost(a: number, b: number, c: number, d: number): boolean {
  const left = a * b;
  const right = c * d;
  if (left <= Number.MAX_SAFE_INTEGER && right <= Number.MAX_SAFE_INTEGER) return left <= right;
  return BigInt(a) * BigInt(b) <= BigInt(c) * BigInt(d);
}

function openOrdersBelowMax(req: OrderRequest, tables: SharedTables): Verdict {
  const account = req.account!;
  if (tables.openOrderCount(account.index) + 1 <= account.maxOpenOrders) return PASS;
  req.detail = `the account already has ${account.maxOpenOrders} open orders, its maximum`;
  return RejectCode.MAX_OPEN_ORDERS;
}

/**
 * Worst case: if every open order on this side filled, and this one too, the
 * position must stay within the limit. `releasedLots` is open quantity on this
 * side that this request takes away (a replaced order's current leaves).
 */
function positionWithinMax(
  req: OrderRequest,
  market: MarketState,
  tables: SharedTables,
  releasedLots: number,
) {
  const account = req.account!;
  const limit = account.maxPositionLots[market.index]!;
  if (limit === Number.POSITIVE_INFINITY) return PASS;
  const position = tables.positionLots(account.index, market.index);
  const addedLots = req.target !== null ? req.qtyLots - req.target.filledLots : req.qtyLots;
  if (req.side === Side.BUY) {
    const worst = position + tables.openBuyLots(account.index, market.index) - releasedLots + addedLots;
    return worst > limit ? positionRejected(req, market, worst, limit) : PASS;
  }
  const worst = position - tables.openSellLots(account.index, market.index) + releasedLots - addedLots;
  return -worst > limit ? positionRejected(req, market, worst, limit) : PASS;
}

function positionRejected(req: OrderRequest, market: MarketState, worst: number, limit: number): Verdict {
  req.detail = `if every open ${req.side === Side.BUY ? 'buy' : 'sell'} order filled, the position would be ${market.lot.format(worst)}; the limit is +/-${market.lot.format(limit)}`;
  return RejectCode.MAX_POSITION;
}

function replacedLeaves(order: OrderRecord): number {
  return order.leavesLots;
}
