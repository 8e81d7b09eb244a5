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
