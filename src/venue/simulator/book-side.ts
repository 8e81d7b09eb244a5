// One side of a book: its price levels sorted worst to best, so the best
// level is the last element (taken and dropped in O(1) while matching), plus
// a map from price to level for O(1) access when resting an order.
import { PriceLevel } from './price-level.ts';

export class BookSide {
  readonly isBid: boolean;
  /** Worst price first, best price last. */
  readonly levels: PriceLevel[] = [];
  private readonly byPrice = new Map<number, PriceLevel>();

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  best(): PriceLevel | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** The level at `priceTicks`, created (in sorted place) when absent. */
  levelAt(priceTicks: number): PriceLevel {
    let level = this.byPrice.get(priceTicks);
    if (level === undefined) {
      level = new PriceLevel(priceTicks);
      this.byPrice.set(priceTicks, level);
      this.levels.splice(this.indexAfter(priceTicks), 0, level);
    }
    return level;
  }

  /** Drops `level` once its last order left. */
  dropIfEmpty(level: PriceLevel): void {
    if (!level.empty) return;
    this.byPrice.delete(level.priceTicks);
    const last = this.levels.length - 1;
    if (this.levels[last] === level) this.levels.pop();
    else this.levels.splice(this.indexAfter(level.priceTicks) - 1, 1);
  }

  /** Index of the first level better than `priceTicks` (binary search). */
  private indexAfter(priceTicks: number): number {
    let lo = 0;
    let hi = this.levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.levels[mid]!.priceTicks;
      if (this.isBid ? p > priceTicks : p < priceTicks) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
