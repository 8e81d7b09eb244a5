// Micro benchmarks on tinybench. Operations far below the timer's resolution
// run in batches: each sample is one batch's mean per operation, and the
// percentiles are percentiles of those means (stated in the row's notes). So
// `samples` counts batches, the values the percentiles come from, and the
// `ops` note the operations they timed.
import { Bench } from 'tinybench';
import type { BenchResult } from './report.ts';

export interface MicroCase {
  name: string;
  /** One operation. Must be synchronous. */
  run: () => unknown;
  /** Operations per sample (1 for operations of several microseconds or more). */
  batch: number;
  /** Optional async operation (for peers whose API is promise-based); awaited one at a time. */
  runAsync?: () => Promise<unknown>;
  /**
   * Optional self-timed measurement, for operations whose clean-up must stay out of the
   * timing (each op timed alone into a histogram); replaces run/runAsync when present.
   */
  measure?: (options: MicroOptions) => BenchResult | Promise<BenchResult>;
  /** Optional figures measured after the timed run (e.g. heap growth), added to the row. */
  extra?: () => Record<string, number | string>;
}

export interface MicroOptions {
  timeMs: number;
  warmupMs: number;
}

function toNs(ms: number): number {
  return ms * 1e6;
}

export async function runMicro(cases: MicroCase[], options: MicroOptions): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  for (const c of cases) {
    // Each case starts from a collected heap, so it does not pay for the previous case's
    // garbage (a collection of it during this case's timing); its own garbage it pays for.
    gc?.();
    if (c.measure) {
      results.push({ ...(await c.measure(options)), ...c.extra?.() });
      continue;
    }
    const bench = new Bench({ time: options.timeMs, warmupTime: options.warmupMs, retainSamples: false });
    const now = () => bench.now();
    if (c.runAsync) {
      const op = c.runAsync;
      bench.add(c.name, async () => {
        const start = now();
        for (let i = 0; i < c.batch; i++) await op();
        const elapsed = now() - start;
        return { overriddenDuration: elapsed / c.batch, overriddenIterationCost: elapsed };
      });
    } else {
      const op = c.run;
      bench.add(c.name, () => {
        const start = now();
        for (let i = 0; i < c.batch; i++) op();
        const elapsed = now() - start;
        return { overriddenDuration: elapsed / c.batch, overriddenIterationCost: elapsed };
      });
    }
    await bench.run();
    const task = bench.tasks[0]!;
    const result = task.result;
    if (!('latency' in result)) throw new Error(`bench ${c.name} did not complete: ${result.state}`);
    const latency = result.latency;
    results.push({
      name: c.name,
      opsPerSec: 1e3 / latency.mean,
      p50Ns: toNs(latency.p50),
      p99Ns: toNs(latency.p99),
      p999Ns: toNs(latency.p999),
      samples: latency.samplesCount,
      ...(c.batch > 1 ? { batch: c.batch, ops: latency.samplesCount * c.batch } : {}),
      ...c.extra?.(),
    });
  }
  return results;
}
