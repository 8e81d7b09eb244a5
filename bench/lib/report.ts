// The bench report of SPEC section 7: results, ratios, machine, Node and
// commit, written as bench/results/latest.json and latest.md (filtered.json and
// filtered.md for a run with --filter) and printed as one Markdown table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { MachineGauge } from './machine-gauge.ts';
import type { BenchTarget } from './targets.ts';

export interface BenchResult {
  name: string;
  opsPerSec: number;
  p50Ns: number;
  p99Ns: number;
  p999Ns: number;
  /** How many values the percentiles come from: timed batches, single timed ops, or answers (e2e). */
  samples: number;
  /** Extra figures some rows carry (e.g. bytesPerSession); printed after the standard columns. */
  [extra: string]: number | string;
}

export interface BenchRatio {
  name: string;
  value: number;
  higherIsBetter: boolean;
  /** A target the ratio is held to (at least it when higher is better, at most it otherwise). */
  target?: number;
  /** Whether this run met the target. */
  met?: boolean;
}

/** A row that did not complete, so that the report says it is missing rather than leaving it out unsaid. */
export interface BenchFailure {
  name: string;
  reason: string;
}

export interface BenchReport {
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    platform: string;
    arch: string;
    /** The machine's speed before and after the rows (machine-gauge.ts). */
    gauge: { before: MachineGauge; after: MachineGauge };
  };
  node: string;
  commit: string;
  date: string;
  results: BenchResult[];
  ratios: BenchRatio[];
  /** The rows' times held to the issues' bounds (targets.ts). */
  targets: BenchTarget[];
  failures: BenchFailure[];
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function makeReport(
  results: BenchResult[],
  ratios: BenchRatio[],
  targets: BenchTarget[],
  failures: BenchFailure[],
  gauge: { before: MachineGauge; after: MachineGauge },
): BenchReport {
  const cpuList = cpus();
  return {
    machine: {
      cpu: cpuList[0]?.model ?? 'unknown',
      cores: cpuList.length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      platform: process.platform,
      arch: process.arch,
      gauge,
    },
    node: process.version,
    commit: commit(),
    date: new Date().toISOString(),
    results,
    ratios,
    targets,
    failures,
  };
}

const STANDARD = new Set(['name', 'opsPerSec', 'p50Ns', 'p99Ns', 'p999Ns', 'samples']);

function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(value >= 10 ? 1 : 2);
}

function gaugeText(report: BenchReport, key: keyof MachineGauge): string {
  const { before, after } = report.machine.gauge;
  return `${figure(before[key])} → ${figure(after[key])}`;
}

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `portcullis bench — ${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.node}, commit ${report.commit}`,
    `machine gauge, before → after the rows: scan ${gaugeText(report, 'scanNs')} ns/byte, memory ${gaugeText(report, 'memoryNs')} ns/load (a row's gauge note: the scan just before and after it)`,
    '',
    '| name | ops/s | p50 ns | p99 ns | p999 ns | samples | notes |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of report.results) {
    const notes = Object.entries(r)
      .filter(([key]) => !STANDARD.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'number' ? figure(value) : value}`)
      .join(', ');
    lines.push(
      `| ${r.name} | ${figure(r.opsPerSec)} | ${figure(r.p50Ns)} | ${figure(r.p99Ns)} | ${figure(r.p999Ns)} | ${r.samples} | ${notes} |`,
    );
  }
  if (report.ratios.length > 0) {
    lines.push('', '| ratio | value | better when | target |', '| --- | ---: | --- | --- |');
    for (const ratio of report.ratios) {
      const target =
        ratio.target === undefined
          ? ''
          : `${ratio.higherIsBetter ? '≥' : '≤'} ${ratio.target.toFixed(2)}x: ${ratio.met ? 'met' : 'NOT met'}`;
      lines.push(
        `| ${ratio.name} | ${ratio.value.toFixed(2)}x | ${ratio.higherIsBetter ? 'higher' : 'lower'} | ${target} |`,
      );
    }
  }
  if (report.targets.length > 0) {
    lines.push('', '| target | measured | bound | |', '| --- | ---: | ---: | --- |');
    for (const t of report.targets) {
      lines.push(
        `| ${t.name} | ${figure(t.valueNs)} ns | ≤ ${figure(t.limitNs)} ns | ${t.met ? 'met' : 'NOT met'} |`,
      );
    }
  }
  if (report.failures.length > 0) {
    lines.push('', '| failed | reason |', '| --- | --- |');
    // A table cell is one line: the first line of the reason, its pipes escaped.
    for (const f of report.failures)
      lines.push(`| ${f.name} | ${f.reason.split('\n')[0]!.replaceAll('|', '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `report` as `<base>.json` and `<base>.md` in `directory`. */
export function writeReport(report: BenchReport, directory: URL, base: 'latest' | 'filtered'): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(new URL(`${base}.json`, directory), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(new URL(`${base}.md`, directory), toMarkdown(report));
}
