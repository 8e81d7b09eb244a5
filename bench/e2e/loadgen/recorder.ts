// One result group of the load generator: an HDR histogram of latencies (ns,
// 3 significant digits), the send-lag histogram of open-loop flows, and the
// answers counted by kind. Only orders of the measurement window are recorded:
// by intended send time in open loop, by send time in closed loop.
import * as hdr from 'hdr-histogram-js';
import type { GroupResult } from '../protocol.ts';

export interface MeasureWindow {
  /** performance.now() ms; orders with a (intended) send time in [start, end) are measured. */
  start: number;
  end: number;
}

function histogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3.6e12,
    numberOfSignificantValueDigits: 3,
  });
}

export class GroupRecorder {
  readonly latency = histogram();
  readonly sendLag = histogram();
  /** Orders of the window sent, and answered. */
  sent = 0;
  answered = 0;
  unexpected = 0;
  openLoop = false;
  readonly answers = new Map<string, number>();

  constructor(
    readonly group: string,
    readonly window: MeasureWindow,
  ) {}

  inWindow(t: number): boolean {
    return t >= this.window.start && t < this.window.end;
  }

  /** An order of the window was sent; `lagMs` is actual - intended (open loop). */
  onSent(lagMs: number): void {
    this.sent++;
    if (this.openLoop) this.sendLag.recordValue(Math.max(1, Math.round(lagMs * 1e6)));
  }

  /**
   * An order of the window was answered `answer` after `latencyMs`. Only the expected answers
   * (an acknowledgement for valid orders) go into the histogram and the rate; the others are
   * counted by kind.
   */
  onAnswer(latencyMs: number, answer: string, expected: boolean): void {
    this.answered++;
    this.answers.set(answer, (this.answers.get(answer) ?? 0) + 1);
    if (!expected) {
      this.unexpected++;
      return;
    }
    this.latency.recordValue(Math.max(1, Math.round(latencyMs * 1e6)));
  }

  result(measureMs: number): GroupResult {
    const h = this.latency;
    const count = h.totalCount;
    return {
      group: this.group,
      openLoop: this.openLoop,
      count,
      opsPerSec: (count * 1000) / measureMs,
      unexpected: this.unexpected,
      lost: Math.max(0, this.sent - this.answered),
      p50Ns: count ? h.getValueAtPercentile(50) : 0,
      p90Ns: count ? h.getValueAtPercentile(90) : 0,
      p99Ns: count ? h.getValueAtPercentile(99) : 0,
      p999Ns: count ? h.getValueAtPercentile(99.9) : 0,
      maxNs: count ? h.maxValue : 0,
      meanNs: count ? h.mean : 0,
      sendLagP99Ns: this.sendLag.totalCount ? this.sendLag.getValueAtPercentile(99) : 0,
      answers: Object.fromEntries(this.answers),
    };
  }

  destroy(): void {
    this.latency.destroy();
    this.sendLag.destroy();
  }
}
