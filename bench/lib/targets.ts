// The latency and speed-up goals the issues set for micro rows, judged on every run, so
// that a report says by itself whether this machine and this commit meet them (the
// end-to-end ratios carry theirs in e2e/suite.ts). The bounds are absolute: compare a
// verdict across machines only at like gauges (README, the bench).
import type { BenchRatio, BenchResult } from './report.ts';

/** A row's time held to a bound. */
export interface BenchTarget {
  /** `<row> p50` or `<row> p99`. */
  name: string;
  /** The row's figure in this run, ns. */
  valueNs: number;
  /** The bound it should not exceed, ns. */
  limitNs: number;
  met: boolean;
}

const LATENCY_TARGETS: Array<{ row: string; figure: 'p50Ns' | 'p99Ns'; limitNs: number }> = [
  // The FIX edge: parse one NewOrderSingle in at most 1 µs; the whole in-process path
  // (frame in, venue frame out) at p50 2 µs, p99 10 µs.
  { row: 'fix.parse.neworder', figure: 'p50Ns', limitNs: 1_000 },
  { row: 'fix.pipeline.neworder', figure: 'p50Ns', limitNs: 2_000 },
  { row: 'fix.pipeline.neworder', figure: 'p99Ns', limitNs: 10_000 },
  // The REST edge: request bytes in, HMAC-checked, venue frame out at p50 3 µs, p99 15 µs.
  { row: 'rest.pipeline.order.hmac', figure: 'p50Ns', limitNs: 3_000 },
  { row: 'rest.pipeline.order.hmac', figure: 'p99Ns', limitNs: 15_000 },
];

/** Throughput ratios held to a least speed-up over the peer (ratio name: "ours / peer"). */
const RATIO_TARGETS: Array<{ ratio: string; atLeast: number }> = [
  { ratio: 'fix.parse.neworder / fix.parse.neworder.jspurefix', atLeast: 10 },
];

/** The latency targets whose rows ran. */
export function judgeLatency(results: BenchResult[]): BenchTarget[] {
  const judged: BenchTarget[] = [];
  for (const { row, figure, limitNs } of LATENCY_TARGETS) {
    const result = results.find((r) => r.name === row);
    if (!result) continue;
    const valueNs = result[figure];
    judged.push({ name: `${row} ${figure.slice(0, -2)}`, valueNs, limitNs, met: valueNs <= limitNs });
  }
  return judged;
}

/** Gives the ratios that have a target their target and verdict. */
export function judgeRatios(ratios: BenchRatio[]): void {
  for (const { ratio: name, atLeast } of RATIO_TARGETS) {
    const ratio = ratios.find((r) => r.name === name);
    if (!ratio) continue;
    ratio.target = atLeast;
    ratio.met = ratio.value >= atLeast;
  }
}
