// The one table of reject codes (SPEC section 3). Every stage returns one of
// these codes or PASS; every adapter maps them to its wire form from here.
//
// Codes are small integers on the hot path (a stage returns a number, no
// allocation) and strings on the wire.

export const PASS = 0;

export const RejectCode = {
  INVALID_REQUEST: 1,
  UNKNOWN_SYMBOL: 2,
  TICK_SIZE: 3,
  LOT_SIZE: 4,
  AUTH_MISSING: 5,
  AUTH_UNKNOWN_KEY: 6,
  AUTH_BAD_SIGNATURE: 7,
  TIMESTAMP_OUT_OF_WINDOW: 8,
  REPLAYED: 9,
  KEY_EXPIRED: 10,
  KEY_NOT_YET_VALID: 11,
  KEY_REVOKED: 12,
  LOCKED_OUT: 13,
  IP_NOT_ALLOWED: 14,
  PERMISSION_DENIED: 15,
  MARKET_NOT_ALLOWED: 16,
  ACCOUNT_NOT_VERIFIED: 17,
  ACCOUNT_BLOCKED: 18,
  UNKNOWN_ORDER: 19,
  DUPLICATE_CLORDID: 20,
  PAYLOAD_TOO_LARGE: 21,
  UNSUPPORTED_MEDIA_TYPE: 22,
  MIN_QTY: 23,
  MAX_QTY: 24,
  MAX_NOTIONAL: 25,
  PRICE_COLLAR: 26,
  NO_REFERENCE_PRICE: 27,
  MAX_OPEN_ORDERS: 28,
  MAX_POSITION: 29,
  MARKET_HALTED: 30,
  KILL_SWITCH: 31,
  VENUE_REJECT: 32,
  RATE_LIMITED: 33,
  VENUE_UNAVAILABLE: 34,
  VENUE_TIMEOUT: 35,
  INTERNAL: 36,
} as const;

export type RejectCodeName = keyof typeof RejectCode;
export type RejectCodeValue = (typeof RejectCode)[RejectCodeName];
/** What a stage returns: PASS (0) or a reject code. */
export type Verdict = typeof PASS | RejectCodeValue;

/** How a FIX session reports a code (SPEC section 3, FIX column). */
export type FixRejectKind =
  | 'session-reject' // 35=3
  | 'execution-report' // 35=8 39=8
  | 'logout' // 35=5 then close
  | 'cancel-reject' // 35=9
  | 'business-reject' // 35=j
  | 'close'; // close the WebSocket (1009)

export interface RejectCodeInfo {
  readonly code: RejectCodeName;
  readonly value: RejectCodeValue;
  readonly httpStatus: number;
  readonly fix: FixRejectKind;
  /** FIX OrdRejReason (103) where SPEC names one. */
  readonly ordRejReason?: number;
  /** FIX CxlRejReason (102) where SPEC names one. */
  readonly cxlRejReason?: number;
  /** Default human message; stages may give a more specific one. */
  readonly message: string;
}

function info(
  code: RejectCodeName,
  httpStatus: number,
  fix: FixRejectKind,
  message: string,
  extra: { ordRejReason?: number; cxlRejReason?: number } = {},
): RejectCodeInfo {
  return Object.freeze({ code, value: RejectCode[code], httpStatus, fix, message, ...extra });
}

const table: readonly RejectCodeInfo[] = [
  info('INVALID_REQUEST', 400, 'session-reject', 'the request is malformed'),
  info('UNKNOWN_SYMBOL', 400, 'execution-report', 'no such market', { ordRejReason: 1 }),
  info('TICK_SIZE', 400, 'execution-report', 'price is not a multiple of the tick size'),
  info('LOT_SIZE', 400, 'execution-report', 'quantity is not a multiple of the lot size'),
  info('AUTH_MISSING', 401, 'logout', 'authentication is required'),
  info('AUTH_UNKNOWN_KEY', 401, 'logout', 'unknown API key'),
  info('AUTH_BAD_SIGNATURE', 401, 'logout', 'signature does not verify'),
  info('TIMESTAMP_OUT_OF_WINDOW', 401, 'logout', 'timestamp is outside the receive window'),
  info('REPLAYED', 401, 'logout', 'this signature was already used'),
  info('KEY_EXPIRED', 401, 'logout', 'the key has expired'),
  info('KEY_NOT_YET_VALID', 401, 'logout', 'the key is not valid yet'),
  info('KEY_REVOKED', 401, 'logout', 'the key was revoked'),
  info('LOCKED_OUT', 401, 'logout', 'too many authentication failures; try again later'),
  info('IP_NOT_ALLOWED', 403, 'execution-report', 'source address is not allowed for this key'),
  info('PERMISSION_DENIED', 403, 'execution-report', 'the key lacks the permission for this action'),
  info('MARKET_NOT_ALLOWED', 403, 'execution-report', 'the key may not trade this market'),
  info('ACCOUNT_NOT_VERIFIED', 403, 'execution-report', 'the account is not verified'),
  info('ACCOUNT_BLOCKED', 403, 'execution-report', 'the account is blocked'),
  info('UNKNOWN_ORDER', 404, 'cancel-reject', 'no such order', { cxlRejReason: 1 }),
  info('DUPLICATE_CLORDID', 409, 'execution-report', 'clOrdId already used', {
    ordRejReason: 6,
    cxlRejReason: 6,
  }),
  info('PAYLOAD_TOO_LARGE', 413, 'close', 'message too large'),
  info('UNSUPPORTED_MEDIA_TYPE', 415, 'session-reject', 'unsupported content type'),
  info('MIN_QTY', 422, 'execution-report', 'quantity below the minimum', { ordRejReason: 3 }),
  info('MAX_QTY', 422, 'execution-report', 'quantity above the maximum', { ordRejReason: 3 }),
  info('MAX_NOTIONAL', 422, 'execution-report', 'notional above the maximum', { ordRejReason: 3 }),
  info('PRICE_COLLAR', 422, 'execution-report', 'price outside the collar around the reference price', {
    ordRejReason: 3,
  }),
  info('NO_REFERENCE_PRICE', 422, 'execution-report', 'no reference price for this market', {
    ordRejReason: 3,
  }),
  info('MAX_OPEN_ORDERS', 422, 'execution-report', 'too many open orders', { ordRejReason: 3 }),
  info('MAX_POSITION', 422, 'execution-report', 'the order could exceed the position limit', {
    ordRejReason: 3,
  }),
  info('MARKET_HALTED', 422, 'execution-report', 'the market is not open', { ordRejReason: 2 }),
  info('KILL_SWITCH', 422, 'execution-report', 'trading is stopped by a kill switch', { ordRejReason: 2 }),
  info('VENUE_REJECT', 422, 'execution-report', 'the venue rejected the order'),
  info('RATE_LIMITED', 429, 'execution-report', 'rate limit exceeded'),
  info('VENUE_UNAVAILABLE', 503, 'execution-report', 'the venue is unavailable'),
  info('VENUE_TIMEOUT', 504, 'business-reject', 'the venue did not answer in time; status unknown'),
  info('INTERNAL', 500, 'business-reject', 'internal error'),
];

const byValue: RejectCodeInfo[] = [];
for (const entry of table) byValue[entry.value] = entry;

/** The table entry of a code (by value). */
export function rejectInfo(value: RejectCodeValue): RejectCodeInfo {
  return byValue[value]!;
}

/** Every entry, in table order. */
export const REJECT_CODES: readonly RejectCodeInfo[] = table;
