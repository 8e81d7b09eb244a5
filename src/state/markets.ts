// A market as the pipeline sees it: every limit already in integer ticks and
// lots, computed exactly from the configuration's decimals.
import type { DecimalStep } from './decimal.ts';

export const MarketStatus = { OPEN: 1, HALTED: 2, CLOSED: 3 } as const;
export type MarketStatusValue = (typeof MarketStatus)[keyof typeof MarketStatus];

export interface MarketState {
  readonly symbol: string;
  /** Stable index into the shared tables (kept across reloads). */
  readonly index: number;
  /** Decimal strings of the steps, for messages and for formatting back. */
  readonly tickSize: string;
  readonly lotSize: string;
  /** The steps, for converting request decimals and formatting answers and reject messages. */
  readonly tick: DecimalStep;
  readonly lot: DecimalStep;
  readonly minQtyLots: number;
  readonly maxQtyLots: number;
  /**
   * Max notional in units of (1 lot x 1 tick): an order passes when
   * qtyLots * priceTicks <= maxNotionalUnits. Floor of the exact quotient.
   */
  readonly maxNotionalUnits: number;
  readonly collarBps: number;
  readonly requireReferencePrice: boolean;
  status: MarketStatusValue;
}
