// The live orders as a firewall in front of a large book first fills them: each
// add timed alone while they grow from empty to ENTRIES (every order stays live),
// reporting the longest single add, which is how long the whole process stood
// still for it, and the JavaScript heap held at the end.
//   live.add@1M        LiveOrders (records at places in 4,096-record segments, typed-array
//                      indexes by order id and by clOrdId resized a few slots per change)
//   live.add@1M.map    the peer: two Maps (by order id, by clOrdId), which rehash all
//                      their entries at once as they grow
// Each record is made before its add is timed; both keep it. The clOrdId's hash is
// computed inside the timed part, as a Map hashes inside set.
import { Side } from '../../src/pipeline/request.ts';
import { LiveOrders } from '../../src/state/live-orders.ts';
import type { MarketState } from '../../src/state/markets.ts';
import { clOrdIdHash } from '../../src/state/order-hashes.ts';
import { OrderRecord } from '../../src/state/order-registry.ts';
import { eachOpWhileGrowing } from '../lib/each-op.ts';
import type { MicroOptions } from '../lib/micro.ts';
import type { BenchResult } from '../lib/report.ts';
import type { MicroSuite } from '../lib/suite.ts';

const ENTRIES = 1_000_000;

const market = { symbol: 'BTC-PERP', index: 1 } as MarketState;

/** A new order's record, made just before its add (untimed); both structures keep it. */
function liveRecord(i: number): OrderRecord {
  return new OrderRecord(
    i + 1,
    {
      clOrdId: `mm1-${i + 1}`,
      account: { index: 1 },
      market,
      side: Side.BUY,
      type: 1,
      tif: 1,
      postOnly: false,
      priceTicks: 130_000,
      qtyLots: 3,
      refSeqNum: 0,
    },
    null,
  );
}

function ours(_options: MicroOptions): BenchResult {
  const live = new LiveOrders();
  return eachOpWhileGrowing('live.add@1M', ENTRIES, liveRecord, (record) =>
    live.add(record, clOrdIdHash(record.clOrdId)),
  );
}

function maps(_options: MicroOptions): BenchResult {
  const byId = new Map<number, OrderRecord>();
  const byClOrdId = new Map<string, OrderRecord>();
  return eachOpWhileGrowing('live.add@1M.map', ENTRIES, liveRecord, (record) => {
    byId.set(record.orderId, record);
    byClOrdId.set(record.clOrdId, record);
  });
}

export const liveOrdersSuite: MicroSuite = {
  name: 'live-orders',
  cases: () => [
    { name: 'live.add@1M', batch: 1, run: () => undefined, measure: ours },
    { name: 'live.add@1M.map', batch: 1, run: () => undefined, measure: maps },
  ],
  // Throughput as for every micro pair, and the longest single op: what these rows are for.
  comparisons: [
    ['live.add@1M', 'live.add@1M.map'],
    ['live.add@1M', 'live.add@1M.map', 'maxMs'],
  ],
};
