// The bench report judges the rows the issues set bounds for: a time at its bound is met,
// one past it is not, a row that did not run is not judged, and the Markdown says which.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type BenchRatio, type BenchResult, makeReport, toMarkdown } from '../../bench/lib/report.ts';
import { judgeLatency, judgeRatios } from '../../bench/lib/targets.ts';

function row(name: string, p50Ns: number, p99Ns: number): BenchResult {
  return { name, opsPerSec: 1e9 / p50Ns, p50Ns, p99Ns, p999Ns: p99Ns, samples: 1000 };
}

const gauge = { scanNs: 1, memoryNs: 100 };

describe('bench targets', () => {
  it('a time at its bound is met, one nanosecond past it is not', () => {
    const judged = judgeLatency([
      row('fix.pipeline.neworder', 2_000, 10_001),
      row('rest.pipeline.order.hmac', 3_001, 15_000),
    ]);
    assert.deepEqual(
      judged.map((t) => [t.name, t.valueNs, t.limitNs, t.met]),
      [
        ['fix.pipeline.neworder p50', 2_000, 2_000, true],
        ['fix.pipeline.neworder p99', 10_001, 10_000, false],
        ['rest.pipeline.order.hmac p50', 3_001, 3_000, false],
        ['rest.pipeline.order.hmac p99', 15_000, 15_000, true],
      ],
    );
  });

  it('rows that did not run (a filtered run) are not judged', () => {
    assert.deepEqual(judgeLatency([row('ratelimit.check.native', 60, 90)]), []);
    assert.deepEqual(
      judgeLatency([row('fix.parse.neworder', 1_200, 1_500)]).map((t) => [t.name, t.met]),
      [['fix.parse.neworder p50', false]],
    );
  });

  it('the parse speed-up is held to 10x the peer, and other ratios keep no target', () => {
    const ratios: BenchRatio[] = [
      { name: 'fix.parse.neworder / fix.parse.neworder.jspurefix', value: 9.99, higherIsBetter: true },
      { name: 'hmac.verify.native / hmac.verify.node-crypto', value: 7, higherIsBetter: true },
    ];
    judgeRatios(ratios);
    assert.deepEqual(
      ratios.map((r) => [r.target, r.met]),
      [
        [10, false],
        [undefined, undefined],
      ],
    );
    ratios[0]!.value = 10;
    judgeRatios(ratios);
    assert.equal(ratios[0]!.met, true);
  });

  it('the report carries the verdicts, in JSON and in its Markdown table', () => {
    const results = [row('fix.pipeline.neworder', 1_532, 12_345)];
    const report = makeReport(results, [], judgeLatency(results), [], { before: gauge, after: gauge });
    assert.deepEqual(
      report.targets.map((t) => t.met),
      [true, false],
    );
    const markdown = toMarkdown(report);
    assert.match(markdown, /^\| fix\.pipeline\.neworder p50 \| 1,532 ns \| ≤ 2,000 ns \| met \|$/m);
    assert.match(markdown, /^\| fix\.pipeline\.neworder p99 \| 12,345 ns \| ≤ 10,000 ns \| NOT met \|$/m);
  });
});
