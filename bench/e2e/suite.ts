// The end-to-end pass of `npm run bench`: runs the e2e rows the filter
// selects (scenarios.ts), one at a time, each on a fresh stack, with one load
// generator process for the whole pass; then the ratios whose two rows ran.
import type { BenchFailure, BenchRatio, BenchResult } from '../lib/report.ts';
import { Child } from './processes.ts';
import { E2E_ROWS } from './scenarios.ts';

export interface E2eOptions {
  full: boolean;
  filter?: string;
}

interface RatioSpec {
  ours: string;
  peer: string;
  field: 'opsPerSec' | 'p50Ns' | 'p99Ns';
  higherIsBetter: boolean;
}

/** FIX RTT vs relay, throughput vs relay and alt-stack, noisy neighbours (their targets: ../lib/targets.ts). */
const RATIOS: RatioSpec[] = [
  { ours: 'e2e.fix.rtt@10k', peer: 'e2e.relay.rtt@10k', field: 'p50Ns', higherIsBetter: false },
  { ours: 'e2e.fix.rtt@10k', peer: 'e2e.relay.rtt@10k', field: 'p99Ns', higherIsBetter: false },
  { ours: 'e2e.fix.throughput', peer: 'e2e.relay.throughput', field: 'opsPerSec', higherIsBetter: true },
  {
    ours: 'e2e.rest.throughput',
    peer: 'e2e.relay.rest.throughput',
    field: 'opsPerSec',
    higherIsBetter: true,
  },
  { ours: 'e2e.rest.throughput', peer: 'e2e.alt-stack.throughput', field: 'opsPerSec', higherIsBetter: true },
  { ours: 'e2e.mixed', peer: 'e2e.mixed.clean', field: 'p99Ns', higherIsBetter: false },
  { ours: 'e2e.isolation', peer: 'e2e.isolation.clean', field: 'p99Ns', higherIsBetter: false },
];

export function e2eRowNames(): string[] {
  return E2E_ROWS.map((r) => r.name);
}

export function e2eRatios(results: BenchResult[]): BenchRatio[] {
  const ratios: BenchRatio[] = [];
  for (const spec of RATIOS) {
    const a = results.find((r) => r.name === spec.ours);
    const b = results.find((r) => r.name === spec.peer);
    if (!a || !b) continue;
    const suffix = spec.field === 'opsPerSec' ? '' : ` ${spec.field.slice(0, -2)}`;
    ratios.push({
      name: `${spec.ours} / ${spec.peer}${suffix}`,
      value: a[spec.field] / b[spec.field],
      higherIsBetter: spec.higherIsBetter,
    });
  }
  return ratios;
}

export async function runE2e(
  options: E2eOptions,
): Promise<{ results: BenchResult[]; failures: BenchFailure[] }> {
  const rows = E2E_ROWS.filter((r) => !options.filter || r.name.includes(options.filter));
  const results: BenchResult[] = [];
  const failures: BenchFailure[] = [];
  if (rows.length === 0) return { results, failures };
  let loadgen: Child | null = null;
  const ctx = {
    full: options.full,
    loadgen: () => {
      loadgen ??= Child.fork('loadgen', new URL('./loadgen-process.ts', import.meta.url));
      return loadgen;
    },
  };
  try {
    for (const row of rows) {
      process.stderr.write(`bench: ${row.name} ...`);
      try {
        const result = await row.run(ctx);
        results.push(result);
        process.stderr.write(` ${summary(result)}\n`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ name: row.name, reason: message });
        process.stderr.write(` FAILED: ${message.split('\n')[0]}\n`);
      }
    }
  } finally {
    await (loadgen as Child | null)?.stop();
  }
  return { results, failures };
}

function summary(r: BenchResult): string {
  const us = (ns: number) => `${(ns / 1000).toFixed(ns < 100_000 ? 1 : 0)} µs`;
  const extra =
    typeof r.bytesPerSession === 'number' ? `, ${r.bytesPerSession.toLocaleString('en-US')} B/session` : '';
  return `${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s, p50 ${us(r.p50Ns)}, p99 ${us(r.p99Ns)}${extra}`;
}
