// The finished-orders index at the size the default retention reaches for a busy
// account (10 minutes at a few thousand orders per second): each add timed alone,
// while it grows from empty to ENTRIES, reporting the longest single add, which is
// how long the whole process stood still for it.
//   finished.add@2M        FinishedOrders (segmented queue, index resized a few slots
//                          per change, filters backfilled a few entries per add)
//   finished.add@2M.map    the peer: a Map from clOrdId to record, which rehashes all
//                          its entries at once as it grows
// Both hold the same strings and records; the clOrdIds are made before timing.
import hdr from 'hdr-histogram-js';
import { FinishedOrders } from '../../src/state/finished-orders.ts';
import type { MicroOptions } from '../lib/micro.ts';
import type { BenchResult } from '../lib/report.ts';
import type { MicroSuite } from '../lib/suite.ts';

const ENTRIES = 2_000_000;

function measureAdds(name: string, add: (id: string, record: number, nowMs: number) => void): BenchResult {
  const ids: string[] = [];
  for (let i = 0; i < ENTRIES; i++) ids.push(`mm1-${i}`);
  const h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60e9,
    numberOfSignificantValueDigits: 3,
  });
  let maxNs = 0;
  let totalNs = 0;
  for (let i = 0; i < ENTRIES; i++) {
    const start = performance.now();
    add(ids[i]!, i, i / 10);
    const ns = (performance.now() - start) * 1e6;
    h.recordValue(Math.max(1, Math.round(ns)));
    totalNs += ns;
    if (ns > maxNs) maxNs = ns;
  }
  return {
    name,
    opsPerSec: (ENTRIES * 1e9) / totalNs,
    p50Ns: h.getValueAtPercentile(50),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    samples: ENTRIES,
    maxMs: Math.round(maxNs / 1e4) / 100,
    timing: 'each add timed alone, empty to 2M',
  };
}

function ours(_options: MicroOptions): BenchResult {
  const finished = new FinishedOrders<number>(10 * 60 * 1000);
  return measureAdds('finished.add@2M', (id, record, nowMs) => finished.add(id, record, nowMs));
}

function map(_options: MicroOptions): BenchResult {
  const finished = new Map<string, number>();
  return measureAdds('finished.add@2M.map', (id, record) => void finished.set(id, record));
}

export const finishedOrdersSuite: MicroSuite = {
  name: 'finished-orders',
  cases: () => [
    { name: 'finished.add@2M', batch: 1, run: () => undefined, measure: ours },
    { name: 'finished.add@2M.map', batch: 1, run: () => undefined, measure: map },
  ],
  comparisons: [],
};
