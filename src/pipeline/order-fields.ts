// Converting a request's price and quantity text (REST strings, FIX frame
// bytes) into the request's integer ticks and lots, recording the specific
// reject code when a value is wrong. Used by every adapter, so that a price
// between ticks is TICK_SIZE whichever door it came through.
import { DecimalError, type DecimalErrorValue, decimalErrorText, parseDecimal } from '../state/decimal.ts';
import type { MarketState } from '../state/markets.ts';
import { PASS, RejectCode, type RejectCodeValue } from './reject-codes.ts';
import type { OrderRequest } from './request.ts';

/** Sets req.priceTicks from `source[start, end)` on the market's tick; records the problem in req.fieldError. */
export function setPrice(
  req: OrderRequest,
  market: MarketState,
  source: string | Uint8Array,
  start: number,
  end: number,
): void {
  const ticks = parseDecimal(source, start, end, market.tick);
  if (ticks > 0) {
    req.priceTicks = ticks;
    return;
  }
  if (ticks === 0) {
    record(req, RejectCode.INVALID_REQUEST, 'price must be greater than zero');
    return;
  }
  record(
    req,
    codeOf(ticks as DecimalErrorValue, RejectCode.TICK_SIZE),
    `price ${decimalErrorText(ticks as DecimalErrorValue)}${onStep(ticks, market.tickSize, 'tick')}`,
  );
}

/** Sets req.qtyLots from `source[start, end)` on the market's lot; records the problem in req.fieldError. */
export function setQuantity(
  req: OrderRequest,
  market: MarketState,
  source: string | Uint8Array,
  start: number,
  end: number,
): void {
  const lots = parseDecimal(source, start, end, market.lot);
  if (lots >= 0) {
    // Zero passes here and fails MIN_QTY in the pre-trade stage, with the minimum named.
    req.qtyLots = lots;
    return;
  }
  record(
    req,
    // A quantity too large to represent is certainly above the maximum.
    lots === DecimalError.TOO_LARGE
      ? RejectCode.MAX_QTY
      : codeOf(lots as DecimalErrorValue, RejectCode.LOT_SIZE),
    `quantity ${decimalErrorText(lots as DecimalErrorValue)}${onStep(lots, market.lotSize, 'lot')}`,
  );
}

/**
 * Records a value's problem in the request. The first one is told, except that a malformed
 * value (INVALID_REQUEST) comes before a well-formed one off its step or limit, as a FIX
 * Reject (35=3) comes before a business refusal.
 */
function record(req: OrderRequest, code: RejectCodeValue, detail: string): void {
  const recorded = req.fieldError;
  if (recorded !== PASS && (code !== RejectCode.INVALID_REQUEST || recorded === RejectCode.INVALID_REQUEST))
    return;
  req.fieldError = code;
  req.detail = detail;
}

function codeOf(error: DecimalErrorValue, stepCode: RejectCodeValue): RejectCodeValue {
  return error === DecimalError.OFF_STEP || error === DecimalError.TOO_MANY_DECIMALS
    ? stepCode
    : RejectCode.INVALID_REQUEST;
}

function onStep(error: number, step: string, name: string): string {
  return error === DecimalError.OFF_STEP || error === DecimalError.TOO_MANY_DECIMALS
    ? ` (${name} size ${step})`
    : '';
}
