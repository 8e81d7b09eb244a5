// The finished-orders index at the size the default retention reaches for a busy
// account (10 minutes at a few thousand orders per second): each add timed alone,
// while it grows from empty to ENTRIES, reporting the longest single add, which is
// how long the whole process stood still for it, and the memory held at the end
// (JavaScript heap, which every full collection walks, and typed arrays, which it does not).
//   finished.add@2M        FinishedOrders (segmented queue, index resized a few slots
//                          per change, filters backfilled a few entries per add)
//   finished.add@2M.map    the peer: a Map from clOrdId to record, which rehashes all
//                          its entries at once as it grows
// Each order object is made before its add is timed; ours copies it and lets it go,
// the Map keeps it (so the Map's heap, and its collections, grow with it).
import { Side } from '../../src/pipeline/request.ts';
import { type FinishedOrder, FinishedOrders } from '../../src/state/finished-orders.ts';
import type { MarketState } from '../../src/state/markets.ts';
import { OrderStatus } from '../../src/state/order-registry.ts';
import { eachOpWhileGrowing } from '../lib/each-op.ts';
import type { MicroOptions } from '../lib/micro.ts';
import type { BenchResult } from '../lib/report.ts';
import type { MicroSuite } from '../lib/suite.ts';

const ENTRIES = 2_000_000;

const market = { symbol: 'BTC-PERP', index: 1 } as MarketState;

/** An order as it finishes: made just before its add and dropped after (untimed), as in the registry. */
function finishedOrder(i: number): FinishedOrder {
  return {
    orderId: i,
    clOrdId: `mm1-${i}`,
    market,
    side: Side.BUY,
    type: 1,
    tif: 1,
    postOnly: false,
    priceTicks: 130_000,
    qtyLots: 3,
    status: OrderStatus.CANCELED,
    filledLots: 0,
    filledValue: 0,
  };
}

function ours(_options: MicroOptions): BenchResult {
  const finished = new FinishedOrders(10 * 60 * 1000);
  return eachOpWhileGrowing('finished.add@2M', ENTRIES, finishedOrder, (order, i) =>
    finished.add(order.clOrdId, order, i / 10),
  );
}

function map(_options: MicroOptions): BenchResult {
  const finished = new Map<string, FinishedOrder>();
  return eachOpWhileGrowing('finished.add@2M.map', ENTRIES, finishedOrder, (order) => {
    finished.set(order.clOrdId, order);
  });
}

export const finishedOrdersSuite: MicroSuite = {
  name: 'finished-orders',
  cases: () => [
    { name: 'finished.add@2M', batch: 1, run: () => undefined, measure: ours },
    { name: 'finished.add@2M.map', batch: 1, run: () => undefined, measure: map },
  ],
  // Throughput as for every micro pair, and the longest single op: what these rows are for.
  comparisons: [
    ['finished.add@2M', 'finished.add@2M.map'],
    ['finished.add@2M', 'finished.add@2M.map', 'maxMs'],
  ],
};
