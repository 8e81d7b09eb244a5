// The normalized request: what the FIX and REST adapters turn a message into,
// and what every pipeline stage reads. One object per connection is reused
// for every message (reset() then fill), so the hot path allocates nothing
// for it.
import type { AccountState } from '../state/accounts.ts';
import type { ApiKeyState } from '../state/api-keys.ts';
import type { MarketState } from '../state/markets.ts';
import type { OrderRecord } from '../state/order-registry.ts';
import { PASS, type Verdict } from './reject-codes.ts';

export const Action = {
  NEW_ORDER: 1,
  CANCEL: 2,
  REPLACE: 3,
  MASS_CANCEL: 4,
  QUERY: 5,
} as const;
export type ActionValue = (typeof Action)[keyof typeof Action];

export const Side = { BUY: 1, SELL: 2 } as const;
export type SideValue = (typeof Side)[keyof typeof Side];

export const OrderType = { LIMIT: 1, MARKET: 2 } as const;
export type OrderTypeValue = (typeof OrderType)[keyof typeof OrderType];

export const TimeInForce = { GTC: 1, IOC: 2, FOK: 3, DAY: 4 } as const;
export type TimeInForceValue = (typeof TimeInForce)[keyof typeof TimeInForce];

export class OrderRequest {
  action: ActionValue = Action.NEW_ORDER;
  /** The authenticated key (set by the adapter after authentication). */
  key: ApiKeyState | null = null;
  account: AccountState | null = null;
  // Connection-scoped fields: set when the connection is accepted, kept by reset().
  /** Source address as text, and its rate-limit key. */
  ip = '';
  ipLimitKey = 0n;
  /** Rate-limit key of the connection (a FIX session, or a REST key) for per-connection limits. */
  connectionLimitKey = 0n;
  /** The key whose CIDR allowlist this connection's address already passed (a cache for authorize). */
  ipAllowedForKey: ApiKeyState | null = null;

  /** The market named by the request; null when the symbol is unknown or absent. */
  symbol = '';
  market: MarketState | null = null;
  clOrdId = '';
  /** For cancel and replace: the clOrdId of the order acted on. */
  origClOrdId = '';
  side: SideValue = Side.BUY;
  type: OrderTypeValue = OrderType.LIMIT;
  tif: TimeInForceValue = TimeInForce.GTC;
  postOnly = false;
  /** Price in ticks (0 for market orders) and quantity in lots, converted exactly from decimals. */
  priceTicks = 0;
  qtyLots = 0;
  /**
   * A problem found while converting the request's fields (UNKNOWN_SYMBOL,
   * TICK_SIZE, LOT_SIZE, INVALID_REQUEST): the adapter records it, the
   * pre-trade stage reports it in its place in the pipeline.
   */
  fieldError: Verdict = PASS;
  /** For cancel and replace: the live order acted on (found by the pre-trade stage). */
  target: OrderRecord | null = null;
  /** Set by the throttle stage on RATE_LIMITED: nanoseconds until the call would pass. */
  retryAfterNs = 0;
  /** Free text for the reject message of the stage that stopped the request. */
  detail = '';
  /** The inbound FIX MsgSeqNum of the request (0 over REST), for 45 in later rejects. */
  refSeqNum = 0;

  reset(): this {
    this.action = Action.NEW_ORDER;
    this.key = null;
    this.account = null;
    this.symbol = '';
    this.market = null;
    this.clOrdId = '';
    this.origClOrdId = '';
    this.side = Side.BUY;
    this.type = OrderType.LIMIT;
    this.tif = TimeInForce.GTC;
    this.postOnly = false;
    this.priceTicks = 0;
    this.qtyLots = 0;
    this.fieldError = PASS;
    this.target = null;
    this.retryAfterNs = 0;
    this.detail = '';
    this.refSeqNum = 0;
    return this;
  }
}

/** clOrdId syntax of SPEC section 2. */
export const CL_ORD_ID = /^[A-Za-z0-9_-]{1,36}$/;

/** 1 for the bytes CL_ORD_ID allows. */
const CL_ORD_ID_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')
  CL_ORD_ID_BYTE[c.charCodeAt(0)] = 1;

/** Whether buf[start, end) matches CL_ORD_ID: checked on the bytes, before any string is made (a third of the regex's cost). */
export function isClOrdIdBytes(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 1 || end - start > 36) return false;
  for (let p = start; p < end; p++) if (CL_ORD_ID_BYTE[buf[p]!] === 0) return false;
  return true;
}
