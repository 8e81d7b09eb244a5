// Open-loop (constant-rate) scheduling. Each ticker fires at fixed intervals
// whatever happens to the answers; a tick that comes late (the load generator
// was busy, descheduled, or collecting garbage) still carries its intended
// time, and the latency of its order is measured from that intended time, not
// from when it actually left. That is the correction for coordinated omission
// (Gil Tene; wrk2): a stall of the system under test shows up in the
// percentiles as the queue it would have built, not as one slow sample.
//
// The schedule is quantized to 1 ms: each order's intended time is the end of
// the millisecond it falls in, and the loop wakes once per millisecond to send
// what is due (at 10,000 orders/s: ten orders per millisecond, spread over the
// connections). Latency is measured from that intended time, so the batching
// adds nothing to it, and a late wake-up is counted against the system, not
// hidden. The load generator sleeps between ticks instead of spinning: on a
// 2-core machine a spinning generator would take the core the firewall and the
// venue need, and measure its own contention. The send lag (actual - intended)
// is reported.
import { performance } from 'node:perf_hooks';

export interface Ticker {
  intervalMs: number;
  /** Intended time of the next tick (performance.now() ms), before quantization. */
  next: number;
  fire(intendedMs: number): void;
}

/** Granularity of the schedule. */
const QUANTUM_MS = 1;

function quantized(ms: number): number {
  return Math.ceil(ms / QUANTUM_MS) * QUANTUM_MS;
}

export function runOpenLoop(tickers: Ticker[], endMs: number): Promise<void> {
  return new Promise((resolve) => {
    const turn = () => {
      const now = performance.now();
      let soonest = endMs;
      for (const t of tickers) {
        while (quantized(t.next) <= now && t.next < endMs) {
          const intended = quantized(t.next);
          t.next += t.intervalMs;
          t.fire(intended);
        }
        if (t.next < soonest) soonest = t.next;
      }
      if (now >= endMs) {
        resolve();
        return;
      }
      setTimeout(turn, Math.max(0, quantized(soonest) - performance.now()));
    };
    turn();
  });
}

/** `count` tickers sharing `ratePerSec`, phases spread over one interval. */
export function spreadTickers(
  count: number,
  ratePerSec: number,
  startMs: number,
  fire: (index: number, intendedMs: number) => void,
): Ticker[] {
  const intervalMs = (1000 * count) / ratePerSec;
  const tickers: Ticker[] = [];
  for (let i = 0; i < count; i++) {
    tickers.push({ intervalMs, next: startMs + (intervalMs * i) / count, fire: (t) => fire(i, t) });
  }
  return tickers;
}
