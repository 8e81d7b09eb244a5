// Open-loop (constant-rate) scheduling. Each ticker fires at fixed intervals
// whatever happens to the answers; a tick that comes late (the load generator
// was busy, descheduled, or collecting garbage) still carries its intended
// time, and the latency of its order is measured from that intended time, not
// from when it actually left. That is the correction for coordinated omission
// (Gil Tene; wrk2): a stall of the system under test shows up in the
// percentiles as the queue it would have built, not as one slow sample.
//
// Node's timers have millisecond granularity, far coarser than the interval
// at 10,000 orders/s (100 µs), so the loop spins on setImmediate (I/O is still
// polled on every turn) while ticks are due less than 2 ms ahead, and sleeps on
// a timer otherwise. The cost is one busy core in the load generator while an
// open-loop scenario runs; the send lag (actual - intended) is reported.
import { performance } from 'node:perf_hooks';

export interface Ticker {
  intervalMs: number;
  /** Intended time of the next tick (performance.now() ms). */
  next: number;
  fire(intendedMs: number): void;
}

const SPIN_AHEAD_MS = 2;

export function runOpenLoop(tickers: Ticker[], endMs: number): Promise<void> {
  return new Promise((resolve) => {
    const turn = () => {
      const now = performance.now();
      let soonest = endMs;
      for (const t of tickers) {
        while (t.next <= now && t.next < endMs) {
          const intended = t.next;
          t.next += t.intervalMs;
          t.fire(intended);
        }
        if (t.next < soonest) soonest = t.next;
      }
      if (now >= endMs) {
        resolve();
        return;
      }
      const wait = soonest - performance.now();
      if (wait > SPIN_AHEAD_MS) setTimeout(turn, Math.floor(wait - SPIN_AHEAD_MS / 2));
      else setImmediate(turn);
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
