// Finds the market a request's symbol bytes name (FIX Symbol (55), a REST
// body's "symbol"). A market maker's orders repeat a few symbols, so the last
// match is kept as bytes: a repeat is a byte compare, with no string made and
// no map lookup.

import { latin1Text } from '../state/latin1-text.ts';
import type { MarketState } from '../state/markets.ts';

export class MarketLookup {
  private lastBytes: Uint8Array = new Uint8Array(0);
  private lastMarket: MarketState | undefined;
  /** The markets the last match came from; a reload replaces them, and the match with them. */
  private lastMarkets: ReadonlyMap<string, MarketState> | null = null;

  /** The market whose symbol is buf[start, end) (one byte per character), or undefined. */
  find(
    buf: Uint8Array,
    start: number,
    end: number,
    markets: ReadonlyMap<string, MarketState>,
  ): MarketState | undefined {
    if (markets === this.lastMarkets && this.isLast(buf, start, end)) return this.lastMarket;
    const market = markets.get(latin1Text(buf, start, end));
    if (market !== undefined) {
      this.lastBytes = Buffer.from(market.symbol, 'latin1');
      this.lastMarket = market;
      this.lastMarkets = markets;
    }
    return market;
  }

  private isLast(buf: Uint8Array, start: number, end: number): boolean {
    const last = this.lastBytes;
    if (end - start !== last.length) return false;
    for (let k = 0; k < last.length; k++) if (buf[start + k] !== last[k]) return false;
    return true;
  }
}
