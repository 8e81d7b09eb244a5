// Lock-free GCRA rate limiter over a SharedArrayBuffer (native/gcra.h has
// the algorithm and the memory layout).
//
// Threads: the table's memory is shared. Create it in one thread, send
// `limiter.buffer` to others (postMessage or workerData) and `attach` there:
// every attached thread reads and updates the same cells and policies with
// atomic operations. The handle inside a RateLimiter object is per thread.
//
// Time: `nowNs` defaults to the system's monotonic clock, which every thread
// shares. Pass explicit times only if every caller of the table does.
//
// Full table: a key is stored within a probe window of cells after its hash.
// When none of those is free, the first whose key has fully drained (no debt:
// forgetting it changes no answer) is taken over; when none has drained, the
// call is rejected, never admitted, and `stats().fullRejects` counts it.
import { addon } from './addon.ts';
import { ratePolicyProblem } from './rate-policy-range.ts';

export interface RateLimitPolicy {
  /** Sustained rate in cost units per second (> 0; fractions allowed). */
  ratePerSec: number;
  /** Units admissible at once from an idle key (an integer >= 1). */
  burst: number;
}

export interface RateLimiterOptions {
  /** Number of cells: a power of two from 8 to 2^26. Default 65536. */
  capacity?: number;
  /** Number of policy slots, 1 to 65536. Default 256. */
  maxPolicies?: number;
  /** Cells searched from a key's hash before the table counts as full. Default min(capacity, 32). */
  probeWindow?: number;
  /** Origin of the table's clock, in the callers' nanoseconds. Default: the monotonic clock now. */
  epochNs?: number;
}

export interface RateLimitUsage {
  /** The policy's burst. */
  limit: number;
  /** Units admissible right now. */
  remaining: number;
  /** Nanoseconds until the key is back to a full burst. */
  resetNs: number;
}

export interface RateLimiterStats {
  capacity: number;
  usedCells: number;
  fullRejects: number;
  reclaims: number;
}

const HEADER_BYTES = 128;
/** Pairs a check list holds (native/gcra.cc: keys as u64 at 0, 8, 16; policy ids as i32 at 24, 28, 32). */
const CHECK_LIST_PAIRS = 3;
const POLICY_BYTES = 32;
const TICKS_PER_NS = 256n;

export class RateLimiter {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private handle: number;
  private readonly words: BigInt64Array;
  // This thread's check list: checkEach writes its pairs here and the native call reads
  // them, which costs less than passing six arguments. Its own ArrayBuffer, so the
  // memory never moves and no other object shares it.
  private readonly listKeys: BigUint64Array;
  private readonly listPolicies: Int32Array;

  private constructor(buffer: SharedArrayBuffer, handle: number, listKeys: BigUint64Array) {
    this.buffer = buffer;
    this.handle = handle;
    this.words = new BigInt64Array(buffer);
    this.capacity = new Uint32Array(buffer, 0, 4)[2]!;
    this.listKeys = listKeys;
    this.listPolicies = new Int32Array(listKeys.buffer, 8 * CHECK_LIST_PAIRS, CHECK_LIST_PAIRS);
  }

  /** Attaches this thread to the table in `view`, with a fresh check list; -1 if it holds none. */
  private static attachView(view: Uint8Array): { handle: number; listKeys: BigUint64Array } {
    const list = new ArrayBuffer(12 * CHECK_LIST_PAIRS);
    const handle = addon.gcraAttach(view, new Uint8Array(list));
    return { handle, listKeys: new BigUint64Array(list, 0, CHECK_LIST_PAIRS) };
  }

  /** Allocates and formats a new table in a SharedArrayBuffer. */
  static create(options: RateLimiterOptions = {}): RateLimiter {
    const capacity = options.capacity ?? 65536;
    const maxPolicies = options.maxPolicies ?? 256;
    const probeWindow = options.probeWindow ?? Math.min(capacity, 32);
    const bytes = addon.gcraBytesFor(capacity, maxPolicies);
    if (bytes === 0) {
      throw new RangeError('capacity must be a power of two from 8 to 2^26 and maxPolicies from 1 to 65536');
    }
    if (!Number.isInteger(probeWindow) || probeWindow < 1 || probeWindow > capacity) {
      throw new RangeError('probeWindow must be an integer from 1 to capacity');
    }
    const buffer = new SharedArrayBuffer(bytes);
    const view = new Uint8Array(buffer);
    const epochNs = options.epochNs ?? addon.monotonicNowNs();
    if (!addon.gcraFormat(view, capacity, maxPolicies, probeWindow, epochNs)) {
      throw new RangeError('rate-limit table parameters are out of range');
    }
    const { handle, listKeys } = RateLimiter.attachView(view);
    return new RateLimiter(buffer, handle, listKeys);
  }

  /** Attaches this thread to a table created elsewhere (shares its cells and policies). */
  static attach(buffer: SharedArrayBuffer): RateLimiter {
    const { handle, listKeys } = RateLimiter.attachView(new Uint8Array(buffer));
    if (handle < 0) throw new TypeError('buffer does not hold a rate-limit table');
    return new RateLimiter(buffer, handle, listKeys);
  }

  /** Registers a policy; returns its id, shared by every attached thread. */
  addPolicy(policy: RateLimitPolicy): number {
    const id = addon.gcraReservePolicy(this.handle);
    if (id < 0) throw new RangeError('no policy slot left (raise maxPolicies)');
    this.setPolicy(id, policy);
    return id;
  }

  /** Changes a policy in place. Debt already accrued by keys is kept, in time units. */
  setPolicy(id: number, policy: RateLimitPolicy): void {
    if (!addon.gcraSetPolicy(this.handle, id, policy.ratePerSec, policy.burst)) {
      const why = ratePolicyProblem(policy.ratePerSec, policy.burst);
      throw new RangeError(
        `invalid policy ${id} (${policy.ratePerSec}/s, burst ${policy.burst}): ${why ? `${why.field} ${why.message}` : 'out of range'}`,
      );
    }
  }

  /**
   * Admits `cost` units for `key` under a policy. Returns 0 when admitted,
   * else the nanoseconds until it would be (Infinity when cost > burst).
   */
  check(key: bigint | number, policyId: number, cost = 1, nowNs?: number): number {
    const wait = addon.gcraCheck(this.handle, key, policyId, cost, nowNs);
    if (wait < 0) throw new RangeError(`unknown rate-limit policy ${policyId} or invalid cost ${cost}`);
    return wait;
  }

  /**
   * The checks one request makes, in one native call on one clock reading: each
   * (key, policy) pair in turn, stopping at the first that refuses (the keys after it
   * are not charged), exactly as calling check() for each. Omit the third pair to
   * check two. Returns 0 when every one admitted, else the refusing check's wait.
   */
  checkEach(
    cost: number,
    key1: bigint | number,
    policy1: number,
    key2: bigint | number,
    policy2: number,
    key3?: bigint | number,
    policy3?: number,
  ): number {
    const keys = this.listKeys;
    const policies = this.listPolicies;
    keys[0] = keyBits(key1);
    policies[0] = policy1;
    keys[1] = keyBits(key2);
    policies[1] = policy2;
    let count = 2;
    if (key3 !== undefined) {
      keys[2] = keyBits(key3);
      policies[2] = policy3 ?? -1;
      count = 3;
    }
    const wait = addon.gcraCheckEach(this.handle, cost, count);
    if (wait < 0) throw new RangeError(`unknown rate-limit policy or invalid cost ${cost}`);
    return wait;
  }

  /** The key's current debt in nanoseconds (0 when it could take a full burst). */
  debtNs(key: bigint | number, policyId: number, nowNs?: number): number {
    const debt = addon.gcraDebtNs(this.handle, key, policyId, nowNs);
    if (debt < 0) throw new RangeError(`unknown rate-limit policy ${policyId}`);
    return debt;
  }

  /** What a RateLimit header reports: the limit, what is left, and when it is full again. */
  usage(key: bigint | number, policyId: number, nowNs?: number): RateLimitUsage {
    const debt = this.debtNs(key, policyId, nowNs);
    const base = (HEADER_BYTES + policyId * POLICY_BYTES) / 8;
    const emissionTicks = Atomics.load(this.words, base + 1);
    const burst = Number(Atomics.load(this.words, base + 3));
    const emissionNs = Number(emissionTicks / TICKS_PER_NS) + Number(emissionTicks % TICKS_PER_NS) / 256;
    const remaining = Math.max(0, Math.min(burst, Math.floor(burst - debt / emissionNs)));
    return { limit: burst, remaining, resetNs: debt };
  }

  /** A 64-bit key for a string (keyed SipHash; the hash key is in the shared table). */
  keyOf(text: string): bigint {
    return addon.gcraKeyOf(this.handle, text);
  }

  stats(): RateLimiterStats {
    const [usedCells, fullRejects, reclaims] = addon.gcraStats(this.handle);
    return { capacity: this.capacity, usedCells, fullRejects, reclaims };
  }

  /** Releases this thread's handle; the shared memory lives while any thread references it. */
  detach(): void {
    if (this.handle >= 0) addon.gcraDetach(this.handle);
    this.handle = -1;
  }
}

/** A key as the check list stores it: bigints as they are, numbers if they are safe non-negative integers. */
function keyBits(key: bigint | number): bigint {
  if (typeof key === 'bigint') return key;
  if (!Number.isSafeInteger(key) || key < 0) {
    throw new TypeError('key must be a bigint or a safe non-negative integer');
  }
  return BigInt(key);
}

/** The monotonic clock the limiter uses by default, in nanoseconds. */
export function monotonicNowNs(): number {
  return addon.monotonicNowNs();
}
