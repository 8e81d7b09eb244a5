// `npm run bench`: runs the micro benchmarks and a short end-to-end pass
// (bench/e2e: load generator, firewall, baselines and venue in separate
// processes), prints a progress line per row and the Markdown table, and
// writes bench/results/latest.json and latest.md (SPEC section 7).
//
//   npm run bench -- --filter ratelimit     only rows whose name contains "ratelimit", written to
//                                           filtered.json and filtered.md (latest.* stays the full run)
//   npm run bench -- --filter e2e.          only the end-to-end rows
//   npm run bench:full                      longer sampling, longer e2e runs, 10,000 idle sessions
import { parseArgs } from 'node:util';
import { e2eRatios, runE2e } from './e2e/suite.ts';
import { measureMachineGauge, measureScanGauge } from './lib/machine-gauge.ts';
import { runMicro } from './lib/micro.ts';
import { type BenchRatio, type BenchResult, makeReport, toMarkdown, writeReport } from './lib/report.ts';
import type { MicroSuite } from './lib/suite.ts';
import { judgeLatency, judgeRatios } from './lib/targets.ts';
import { cryptoSuite } from './micro/crypto.bench.ts';
import { edgePipelineSuite } from './micro/edge-pipeline.bench.ts';
import { finishedOrdersSuite } from './micro/finished-orders.bench.ts';
import { fixParseSuite } from './micro/fix-parse.bench.ts';
import { liveOrdersSuite } from './micro/live-orders.bench.ts';
import { pipelineSuite } from './micro/pipeline.bench.ts';
import { rateLimitSuite } from './micro/ratelimit.bench.ts';
import { replayCacheSuite } from './micro/replay-cache.bench.ts';

const suites: MicroSuite[] = [
  cryptoSuite,
  rateLimitSuite,
  pipelineSuite,
  fixParseSuite,
  edgePipelineSuite,
  finishedOrdersSuite,
  liveOrdersSuite,
  replayCacheSuite,
];

const { values } = parseArgs({
  options: {
    filter: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});
const filter = values.filter;
const timing = values.full ? { timeMs: 3000, warmupMs: 500 } : { timeMs: 1000, warmupMs: 200 };

const results: BenchResult[] = [];
const ratios: BenchRatio[] = [];

process.stderr.write('bench: machine gauge ...');
const gaugeBefore = measureMachineGauge();
process.stderr.write(
  ` scan ${gaugeBefore.scanNs.toFixed(2)} ns/byte, memory ${gaugeBefore.memoryNs.toFixed(0)} ns/load\n`,
);

for (const suite of suites) {
  const cases = (await suite.cases()).filter((c) => !filter || c.name.includes(filter));
  for (const c of cases) {
    process.stderr.write(`bench: ${c.name} ...`);
    const scanBefore = measureScanGauge();
    const [result] = await runMicro([c], timing);
    // The machine's pace just before and after the row (machine-gauge.ts): rows are comparable
    // across runs only at like gauges.
    result!.gauge = `${scanBefore.toFixed(2)}→${measureScanGauge().toFixed(2)} ns/B`;
    results.push(result!);
    process.stderr.write(` ${Math.round(result!.opsPerSec).toLocaleString('en-US')} ops/s\n`);
  }
  for (const [ours, peer, figure] of suite.comparisons) {
    const a = results.find((r) => r.name === ours);
    const b = results.find((r) => r.name === peer);
    if (!a || !b) continue;
    if (!figure) {
      ratios.push({ name: `${ours} / ${peer}`, value: a.opsPerSec / b.opsPerSec, higherIsBetter: true });
      continue;
    }
    const [x, y] = [a[figure], b[figure]];
    if (typeof x !== 'number' || typeof y !== 'number')
      throw new Error(`bench: ${ours} or ${peer} has no ${figure}`);
    // Named as the e2e latency ratios are: "ours / peer p99", "ours / peer max".
    ratios.push({ name: `${ours} / ${peer} ${figure.slice(0, -2)}`, value: x / y, higherIsBetter: false });
  }
}

const e2e = await runE2e({ full: values.full, filter });
results.push(...e2e.results);
ratios.push(...e2eRatios(e2e.results));

judgeRatios(ratios);
const report = makeReport(results, ratios, judgeLatency(results), e2e.failures, {
  before: gaugeBefore,
  after: measureMachineGauge(),
});
// A filtered run has only some rows: it must not replace the full report a reader takes latest.json for.
writeReport(report, new URL('./results/', import.meta.url), filter ? 'filtered' : 'latest');
process.stdout.write(toMarkdown(report));
if (filter) {
  process.stderr.write(
    `\nbench: --filter ${JSON.stringify(filter)}: wrote bench/results/filtered.json and filtered.md; ` +
      'latest.json and latest.md are left as they were (only an unfiltered run writes them)\n',
  );
}
if (e2e.failures.length > 0) {
  process.stderr.write(
    `\nbench: ${e2e.failures.length} end-to-end row(s) failed:\n${e2e.failures.map((f) => `${f.name}: ${f.reason}`).join('\n')}\n`,
  );
  process.exitCode = 1;
}
