// The goals the issues set for the bench's rows and ratios, all in one place, judged on
// every run, so that a report says by itself whether this machine and this commit meet
// them. The latency bounds are absolute: compare a verdict across machines only at like
// gauges (README, the bench).
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

/**
 * Ratios held to a bound, by name ("ours / peer", with the figure when it is a time): at
 * least the bound when higher is better, at most it otherwise.
 */
const RATIO_TARGETS: Array<{ ratio: string; bound: number }> = [
  // The FIX edge parses at least 10x as fast as jspurefix.
  { ratio: 'fix.parse.neworder / fix.parse.neworder.jspurefix', bound: 10 },
  // End to end, the FIX edge adds little over a bare relay, and REST serves well beyond
  // the alternative stack.
  { ratio: 'e2e.fix.rtt@10k / e2e.relay.rtt@10k p50', bound: 1.1 },
  { ratio: 'e2e.fix.rtt@10k / e2e.relay.rtt@10k p99', bound: 1.2 },
  { ratio: 'e2e.rest.throughput / e2e.relay.rest.throughput', bound: 0.6 },
  { ratio: 'e2e.rest.throughput / e2e.alt-stack.throughput', bound: 4 },
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
  for (const { ratio: name, bound } of RATIO_TARGETS) {
    const ratio = ratios.find((r) => r.name === name);
    if (!ratio) continue;
    ratio.target = bound;
    ratio.met = ratio.higherIsBetter ? ratio.value >= bound : ratio.value <= bound;
  }
}
