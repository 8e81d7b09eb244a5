// The order every flow sends (BTC-PERP, a 0.010 buy at 65000.5, inside the
// collar around the reference price 65000) and the collar-breaking variant.
import type { OrderKind } from '../protocol.ts';

export const ORDER_QTY = '0.010';
export const VALID_PRICE = '65000.5';
/** 38% above the reference: outside the 5% collar. */
export const COLLAR_PRICE = '90000';

export function priceOf(kind: OrderKind): string {
  return kind === 'price-collar' ? COLLAR_PRICE : VALID_PRICE;
}

/** A ClOrdID prefix unique to this load-generator run and flow (the firewall keeps every acked order live). */
let runCounter = 0;
export function clOrdIdPrefix(flowIndex: number): string {
  runCounter++;
  return `b${process.pid.toString(36)}${runCounter.toString(36)}f${flowIndex}-`;
}
