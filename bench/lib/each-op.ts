// Rows whose ops are each timed alone (performance.now around one call) into an HDR
// histogram, for cases where a batch mean would hide what matters: one order's path,
// or the longest single add of a growing structure.
import hdr from 'hdr-histogram-js';
import type { BenchResult } from './report.ts';

export type EachOpHistogram = ReturnType<typeof hdr.build>;

export function eachOpHistogram(): EachOpHistogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60e9,
    numberOfSignificantValueDigits: 3,
  });
}

/** The row of `h`'s samples, `elapsedNs` being the timed total; `extra` adds notes (and may replace `timing`). */
export function eachOpResult(
  name: string,
  h: EachOpHistogram,
  elapsedNs: number,
  extra: Record<string, number | string> = {},
): BenchResult {
  return {
    name,
    opsPerSec: (h.totalCount * 1e9) / elapsedNs,
    p50Ns: h.getValueAtPercentile(50),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    samples: h.totalCount,
    timing: 'each op timed alone',
    ...extra,
  };
}

/**
 * Times `op` alone on each of `count` items, each made by `make` just before (untimed): for a
 * structure growing from empty, where the longest single op (a rebuild, a collection) is how
 * long the whole process stood still. The row adds that longest op and the memory held at the
 * end: JavaScript heap (which every full collection walks) and typed arrays (which it does not).
 */
export function eachOpWhileGrowing<T>(
  name: string,
  count: number,
  make: (i: number) => T,
  op: (item: T, i: number) => void,
): BenchResult {
  const h = eachOpHistogram();
  let maxNs = 0;
  let totalNs = 0;
  for (let i = 0; i < count; i++) {
    const item = make(i);
    const start = performance.now();
    op(item, i);
    const ns = (performance.now() - start) * 1e6;
    h.recordValue(Math.max(1, Math.round(ns)));
    totalNs += ns;
    if (ns > maxNs) maxNs = ns;
  }
  const memory = process.memoryUsage();
  return eachOpResult(name, h, totalNs, {
    maxMs: Math.round(maxNs / 1e4) / 100,
    heapMB: Math.round(memory.heapUsed / 1e6),
    arrayBuffersMB: Math.round(memory.arrayBuffers / 1e6),
    timing: `each op timed alone, empty to ${count.toLocaleString('en-US')}`,
  });
}
