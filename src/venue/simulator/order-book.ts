// The book of one symbol: bids and asks as sorted price levels, each a FIFO
// queue (price-time priority). The book only keeps orders in place; the
// matching rules (what crosses, what rests, what is reported) are in
// matching-engine.ts.
import { Side, type SideValue } from '../../pipeline/request.ts';
import { BookSide } from './book-side.ts';
import type { SimOrder } from './order.ts';

export interface LevelView {
  priceTicks: number;
  totalLots: number;
  /** Order ids, in time priority. */
  orderIds: number[];
}

export class OrderBook {
  readonly symbol: string;
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  /** Price of the last trade, 0 before the first. */
  lastTradeTicks = 0;

  constructor(symbol: string) {
    this.symbol = symbol;
  }

  /** Appends `order` at the back of the queue of its price. */
  rest(order: SimOrder): void {
    this.sideOf(order.side).levelAt(order.priceTicks).append(order);
  }

  remove(order: SimOrder): void {
    const level = order.level;
    if (level === null) return;
    level.remove(order);
    this.sideOf(order.side).dropIfEmpty(level);
  }

  /** Lowers a resting order's leaves in place: it keeps its time priority. */
  reduceLeaves(order: SimOrder, leavesLots: number): void {
    if (order.level !== null) order.level.totalLots += leavesLots - order.leavesLots;
    order.leavesLots = leavesLots;
  }

  /** Fills `qtyLots` of a resting order; removes it once fully filled. */
  execute(order: SimOrder, qtyLots: number): void {
    order.filledLots += qtyLots;
    this.reduceLeaves(order, order.leavesLots - qtyLots);
    if (order.leavesLots === 0) this.remove(order);
  }

  /**
   * The resting order a taker on `takerSide` with price limit `limit` would
   * meet first (best price, then oldest), or null. Market takers pass
   * +Infinity (buy) or -Infinity (sell) as the limit.
   */
  bestMaker(takerSide: SideValue, limit: number): SimOrder | null {
    const level = this.oppositeOf(takerSide).best();
    if (level === undefined || !crosses(takerSide, level.priceTicks, limit)) return null;
    return level.head;
  }

  /** Lots a taker could fill at `limit` or better, counting no further than `wanted`. */
  availableLots(takerSide: SideValue, limit: number, wanted: number): number {
    const levels = this.oppositeOf(takerSide).levels;
    let total = 0;
    for (let i = levels.length - 1; i >= 0 && total < wanted; i--) {
      const level = levels[i]!;
      if (!crosses(takerSide, level.priceTicks, limit)) break;
      total += level.totalLots;
    }
    return total;
  }

  /** Levels of one side, best first (for tests and inspection). */
  depth(side: SideValue): LevelView[] {
    const views: LevelView[] = [];
    const levels = this.sideOf(side).levels;
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!;
      const orderIds: number[] = [];
      for (let o = level.head; o !== null; o = o.next) orderIds.push(o.orderId);
      views.push({ priceTicks: level.priceTicks, totalLots: level.totalLots, orderIds });
    }
    return views;
  }

  private sideOf(side: SideValue): BookSide {
    return side === Side.BUY ? this.bids : this.asks;
  }

  private oppositeOf(side: SideValue): BookSide {
    return side === Side.BUY ? this.asks : this.bids;
  }
}

/** Whether a taker on `takerSide` limited to `limit` trades with a maker at `makerPrice`. */
export function crosses(takerSide: SideValue, makerPrice: number, limit: number): boolean {
  return takerSide === Side.BUY ? makerPrice <= limit : makerPrice >= limit;
}
