// Which policies the native limiter takes: the same arithmetic as GcraTable::SetPolicy
// (native/gcra.cc), in the same double precision, so the configuration can refuse at
// load, with its JSON path, exactly what the limiter would refuse later at start.

/** The limiter's clock ticks per nanosecond (GcraTable::kTicksPerNs). */
const TICKS_PER_NS = 256;
/** Largest burst the limiter stores. */
export const MAX_BURST = 2 ** 32;
/** Bound on burst × emission interval in ticks, far from int64 overflow after adding a cost and a time. */
const MAX_LIMIT_TICKS = 4e18;
/** Longest time a whole burst may take to refill: MAX_LIMIT_TICKS in seconds (about 181 days). */
const MAX_REFILL_SECONDS = MAX_LIMIT_TICKS / TICKS_PER_NS / 1e9;

export interface RatePolicyProblem {
  field: 'ratePerSec' | 'burst';
  message: string;
}

/** Why the limiter would refuse this policy, or null when it takes it. */
export function ratePolicyProblem(ratePerSec: number, burst: number): RatePolicyProblem | null {
  if (!(ratePerSec > 0) || !Number.isFinite(ratePerSec)) {
    return { field: 'ratePerSec', message: 'must be a finite number above 0' };
  }
  if (!Number.isInteger(burst) || burst < 1 || burst > MAX_BURST) {
    return { field: 'burst', message: `must be an integer from 1 to ${MAX_BURST}` };
  }
  const emissionTicks = Math.ceil((1e9 * TICKS_PER_NS) / ratePerSec);
  if (emissionTicks < 1) {
    return { field: 'ratePerSec', message: `must be at most ${1e9 * TICKS_PER_NS} per second` };
  }
  if (emissionTicks > MAX_LIMIT_TICKS) {
    return {
      field: 'ratePerSec',
      message: `is too slow for the rate limiter: at least ${1 / MAX_REFILL_SECONDS} per second`,
    };
  }
  if (emissionTicks * burst > MAX_LIMIT_TICKS) {
    return {
      field: 'burst',
      message: `${burst} at ${ratePerSec} per second takes longer to refill than the rate limiter can count: burst / ratePerSec must be at most ${MAX_REFILL_SECONDS} seconds (about 181 days)`,
    };
  }
  return null;
}
