// Finds the market a FIX message's Symbol (55) names. A market maker's
// orders repeat a few symbols, so the last match is kept as bytes: a repeat
// is a byte compare, with no string made and no map lookup.
import type { FixMessage } from '../../fix/message.ts';
import type { MarketState } from '../../state/markets.ts';

export class MarketLookup {
  private lastBytes: Uint8Array = new Uint8Array(0);
  private lastMarket: MarketState | undefined;
  /** The markets the last match came from; a reload replaces them, and the match with them. */
  private lastMarkets: ReadonlyMap<string, MarketState> | null = null;

  /** The market of the message's Symbol (which must be present), or undefined if there is none. */
  find(msg: FixMessage, markets: ReadonlyMap<string, MarketState>, tag: number): MarketState | undefined {
    if (markets === this.lastMarkets && msg.equals(tag, this.lastBytes)) return this.lastMarket;
    const market = markets.get(msg.getString(tag)!);
    if (market !== undefined) {
      this.lastBytes = Buffer.from(market.symbol, 'latin1');
      this.lastMarket = market;
      this.lastMarkets = markets;
    }
    return market;
  }
}
