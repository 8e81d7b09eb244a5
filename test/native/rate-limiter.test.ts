// The native GCRA limiter: exact against a token-bucket reference, bounded
// for any arrival sequence, shared across threads, and defined when full.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addon } from '../../src/native/addon.ts';
import { RateLimiter } from '../../src/native/rate-limiter.ts';
import { startTsWorker } from '../helpers/ts-worker.ts';

const SEC = 1_000_000_000;

/** Token bucket in exact integer arithmetic: tokens are kept in units of 1/1e9 token. */
class ReferenceBucket {
  private scaledTokens: bigint;
  private last: bigint | null = null;
  constructor(
    private readonly rate: bigint,
    private readonly burst: bigint,
  ) {
    this.scaledTokens = burst * 1_000_000_000n;
  }
  /** 0 when admitted, else the whole nanoseconds until it would be. */
  take(now: bigint, cost: bigint): number {
    if (cost > this.burst) return Number.POSITIVE_INFINITY;
    const full = this.burst * 1_000_000_000n;
    if (this.last !== null && now > this.last) {
      const refilled = this.scaledTokens + (now - this.last) * this.rate;
      this.scaledTokens = refilled > full ? full : refilled;
    }
    if (this.last === null || now > this.last) this.last = now;
    const need = cost * 1_000_000_000n;
    if (this.scaledTokens >= need) {
      this.scaledTokens -= need;
      return 0;
    }
    const deficit = need - this.scaledTokens;
    return Number((deficit + this.rate - 1n) / this.rate);
  }
}

// Rates whose emission interval is a whole number of the table's 1/256 ns ticks.
const exactRates = [
  1, 2, 4, 5, 8, 10, 16, 20, 25, 40, 50, 64, 100, 125, 200, 250, 500, 1000, 2000, 5000, 100000,
];

describe('GCRA against an exact token-bucket reference', () => {
  test('every decision and every wait is identical', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...exactRates),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 3, noNaN: true }), fc.integer({ min: 0, max: 45 })), {
          minLength: 1,
          maxLength: 150,
        }),
        (rate, burst, arrivals) => {
          const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
          const policy = limiter.addPolicy({ ratePerSec: rate, burst });
          const reference = new ReferenceBucket(BigInt(rate), BigInt(burst));
          const interval = SEC / rate;
          let now = 1_000_000;
          for (const [gap, rawCost] of arrivals) {
            now += Math.floor(gap * interval);
            const cost = Math.max(1, rawCost);
            const expected = reference.take(BigInt(now), BigInt(cost));
            assert.equal(limiter.check(7n, policy, cost, now), expected, `at ${now} ns, cost ${cost}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('GCRA bounds for any rate and arrival sequence', () => {
  test('admitted cost in any window never exceeds burst + rate * window', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 100000, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50_000_000 }), fc.integer({ min: 1, max: 5 })), {
          minLength: 1,
          maxLength: 120,
        }),
        (rate, burst, arrivals) => {
          const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
          const policy = limiter.addPolicy({ ratePerSec: rate, burst });
          const admitted: Array<[number, number]> = [];
          let now = 0;
          for (const [gap, cost] of arrivals) {
            now += gap;
            if (limiter.check(1n, policy, cost, now) === 0) admitted.push([now, cost]);
          }
          for (let i = 0; i < admitted.length; i++) {
            let sum = 0;
            for (let j = i; j < admitted.length; j++) {
              sum += admitted[j]![1];
              const window = (admitted[j]![0] - admitted[i]![0]) / SEC;
              assert.ok(
                sum <= burst + rate * window + 1e-9,
                `${sum} units in ${window}s at ${rate}/s burst ${burst}`,
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('sustained demand above the rate is admitted at the bound, within one unit', () => {
    // Demand arrives every quarter interval. (With burst 1, arrivals that do not
    // fall exactly on the interval lose the remainder, as in any token bucket
    // that is full; so the bursts here are at least 2.)
    for (const [rate, burst] of [
      [200, 400],
      [3, 2],
      [7000, 10],
      [0.5, 2],
      [100000, 2],
    ] as const) {
      const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
      const policy = limiter.addPolicy({ ratePerSec: rate, burst });
      const step = Math.max(1, Math.floor(SEC / rate / 4));
      const duration = 20 * SEC;
      let granted = 0;
      for (let now = 0; now <= duration; now += step) {
        if (limiter.check(9n, policy, 1, now) === 0) granted++;
      }
      const bound = burst + (rate * duration) / SEC;
      assert.ok(granted <= bound, `${granted} > ${bound} at ${rate}/s`);
      assert.ok(granted >= Math.floor(bound) - 1, `${granted} < ${bound} - 1 at ${rate}/s`);
    }
  });

  test('a rejected call reports exactly when it will be admitted', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 10, burst: 2 });
    assert.equal(limiter.check(5n, policy, 1, 0), 0);
    assert.equal(limiter.check(5n, policy, 1, 0), 0);
    const wait = limiter.check(5n, policy, 1, 0);
    assert.equal(wait, 100_000_000);
    assert.equal(limiter.check(5n, policy, 1, wait - 1), 1);
    assert.equal(limiter.check(5n, policy, 1, wait), 0);
  });

  test('weights: a cost is admitted only when that many units are available; above the burst, never', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 100, burst: 10 });
    assert.equal(limiter.check(1n, policy, 7, 0), 0);
    assert.equal(limiter.check(1n, policy, 4, 0), 10_000_000);
    assert.equal(limiter.check(1n, policy, 3, 0), 0);
    assert.equal(limiter.check(1n, policy, 11, 0), Number.POSITIVE_INFINITY);
    assert.equal(limiter.check(2n, policy, 0, 0), 0, 'cost 0 only asks');
  });

  test('keys and policies are independent', () => {
    const limiter = RateLimiter.create({ capacity: 64, epochNs: 0 });
    const a = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    const b = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    assert.equal(limiter.check(1n, a, 1, 0), 0);
    assert.notEqual(limiter.check(1n, a, 1, 0), 0);
    assert.equal(limiter.check(2n, a, 1, 0), 0, 'another key');
    assert.equal(limiter.check(1n, b, 1, 0), 0, 'the same key under another policy');
    assert.equal(limiter.check(limiter.keyOf('acct-1'), a, 1, 0), 0);
    assert.notEqual(limiter.check(limiter.keyOf('acct-1'), a, 1, 0), 0);
    assert.equal(limiter.keyOf('acct-1'), limiter.keyOf('acct-1'));
    assert.notEqual(limiter.keyOf('acct-1'), limiter.keyOf('acct-2'));
  });
});

describe('policy changes', () => {
  test('raising the rate takes effect at once; accrued debt is kept in time', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    assert.equal(limiter.check(1n, policy, 1, 0), 0);
    assert.equal(limiter.check(1n, policy, 1, 0), SEC);
    limiter.setPolicy(policy, { ratePerSec: 1000, burst: 5 });
    // The debt (1 s) exceeds the new limit (5 ms): the wait shrinks to debt - limit + T.
    assert.equal(limiter.check(1n, policy, 1, 0), SEC - 5_000_000 + 1_000_000);
    assert.equal(limiter.check(1n, policy, 1, SEC), 0);
    for (let i = 0; i < 4; i++) assert.equal(limiter.check(1n, policy, 1, SEC), 0);
    assert.equal(limiter.check(1n, policy, 1, SEC), 1_000_000);
  });

  test('lowering the burst caps the next burst', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 10, burst: 10 });
    limiter.setPolicy(policy, { ratePerSec: 10, burst: 2 });
    assert.equal(limiter.check(3n, policy, 1, 0), 0);
    assert.equal(limiter.check(3n, policy, 1, 0), 0);
    assert.notEqual(limiter.check(3n, policy, 1, 0), 0);
  });

  test('invalid policies and unknown ids are refused', () => {
    const limiter = RateLimiter.create({ capacity: 8, maxPolicies: 2, epochNs: 0 });
    assert.throws(() => limiter.addPolicy({ ratePerSec: 0, burst: 1 }), RangeError);
    assert.throws(() => limiter.addPolicy({ ratePerSec: 1, burst: 0 }), RangeError);
    assert.throws(() => limiter.addPolicy({ ratePerSec: Number.NaN, burst: 1 }), RangeError);
    assert.throws(() => limiter.addPolicy({ ratePerSec: 1, burst: 1.5 }), RangeError);
    assert.throws(() => limiter.check(1n, 1, 1, 0), RangeError, 'a reserved but unset policy');
    assert.throws(() => limiter.check(1n, 77, 1, 0), RangeError);
    assert.throws(() => limiter.addPolicy({ ratePerSec: 1, burst: 1 }), RangeError, 'no slot left');
  });
});

describe('usage', () => {
  test('reports limit, remaining and reset', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 10, burst: 5 });
    assert.deepEqual(limiter.usage(4n, policy, 0), { limit: 5, remaining: 5, resetNs: 0 });
    limiter.check(4n, policy, 3, 0);
    assert.deepEqual(limiter.usage(4n, policy, 0), { limit: 5, remaining: 2, resetNs: 300_000_000 });
    assert.deepEqual(limiter.usage(4n, policy, 150_000_000), {
      limit: 5,
      remaining: 3,
      resetNs: 150_000_000,
    });
  });
});

describe('a full table', () => {
  test('rejects new keys until a cell drains, then reuses it', () => {
    const limiter = RateLimiter.create({ capacity: 8, probeWindow: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    for (let key = 1; key <= 8; key++) {
      assert.equal(limiter.check(BigInt(key), policy, 1, key * 1000), 0);
    }
    assert.equal(limiter.stats().usedCells, 8);
    // Every cell holds debt: the newcomer is rejected, never admitted, and told
    // when the first cell (key 1, admitted at 1000 ns) drains.
    const wait = limiter.check(100n, policy, 1, 10_000);
    assert.equal(wait, SEC + 1000 - 10_000);
    assert.equal(limiter.stats().fullRejects, 1);
    // Keys already in the table are unaffected.
    assert.equal(limiter.check(3n, policy, 1, 10_000), SEC + 3000 - 10_000);
    // Once key 1 has drained, its cell is taken over.
    assert.equal(limiter.check(100n, policy, 1, SEC + 1000), 0);
    assert.equal(limiter.stats().reclaims, 1);
    assert.notEqual(limiter.check(100n, policy, 1, SEC + 1000), 0, 'the newcomer now has its own debt');
    // Key 1 lost nothing by being forgotten: it had drained. It comes back as
    // new and waits for a drained cell like any newcomer.
    assert.equal(limiter.check(1n, policy, 1, SEC + 2000), 0);
  });

  test('no key is ever admitted beyond its limit while the table churns', () => {
    const limiter = RateLimiter.create({ capacity: 8, probeWindow: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 10, burst: 2 });
    const granted = new Map<number, number>();
    const duration = 2 * SEC;
    for (let now = 0, i = 0; now < duration; now += 1_000_000, i++) {
      const key = i % 20; // 20 keys for 8 cells
      if (limiter.check(BigInt(key + 1), policy, 1, now) === 0) granted.set(key, (granted.get(key) ?? 0) + 1);
    }
    for (const [key, count] of granted) {
      assert.ok(count <= 2 + 10 * (duration / SEC), `key ${key} got ${count}`);
    }
    assert.ok(limiter.stats().fullRejects > 0);
  });
});

describe('threads sharing one table', () => {
  for (const threads of [2, 4]) {
    test(`${threads} worker threads hammering shared keys stay within the bound`, async () => {
      const limiter = RateLimiter.create({ capacity: 1024, epochNs: 0 });
      const rate = 100_000;
      const burst = 50;
      const policyId = limiter.addPolicy({ ratePerSec: rate, burst });
      const clock = new SharedArrayBuffer(16);
      const keys = [11, 12, 13];
      const iterations = 30_000;
      const stepNs = 1000;
      const workers = Array.from({ length: threads }, () =>
        startTsWorker(new URL('./fixtures/limiter-worker.ts', import.meta.url), {
          workerData: { buffer: limiter.buffer, clock, policyId, keys, iterations, stepNs },
        }),
      );
      const results = workers.map(
        (worker) =>
          new Promise<number[]>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      );
      // Let every worker reach its wait, then start them together.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const start = new Int32Array(clock, 8, 1);
      Atomics.store(start, 0, 1);
      Atomics.notify(start, 0);
      const perWorker = await Promise.all(results);
      await Promise.all(workers.map((worker) => worker.terminate()));

      const elapsedSec = (threads * iterations * stepNs) / SEC;
      const bound = burst + rate * elapsedSec;
      for (let k = 0; k < keys.length; k++) {
        const granted = perWorker.reduce((sum, counts) => sum + counts[k]!, 0);
        assert.ok(granted <= bound, `key ${keys[k]}: ${granted} > ${bound}`);
        // Each key sees demand at a third of the clock's ticks: far above its rate.
        assert.ok(granted >= Math.floor(bound) - threads - 1, `key ${keys[k]}: ${granted} < ${bound}`);
      }
    });
  }
});

describe('attach and arguments', () => {
  test('a second attachment shares cells and policies', () => {
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    const other = RateLimiter.attach(limiter.buffer);
    assert.equal(limiter.check(1n, policy, 1, 0), 0);
    assert.equal(other.check(1n, policy, 1, 0), SEC);
    other.detach();
    assert.equal(limiter.check(1n, policy, 1, SEC), 0);
  });

  test('attaching to memory that is not a table fails', () => {
    assert.throws(() => RateLimiter.attach(new SharedArrayBuffer(4096)), TypeError);
  });

  test('bad parameters and argument types are refused', () => {
    assert.throws(() => RateLimiter.create({ capacity: 12 }), RangeError);
    assert.throws(() => RateLimiter.create({ capacity: 4 }), RangeError);
    assert.throws(() => RateLimiter.create({ capacity: 8, probeWindow: 9 }), RangeError);
    const limiter = RateLimiter.create({ capacity: 8, epochNs: 0 });
    const policy = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    assert.throws(() => limiter.check('key' as unknown as bigint, policy, 1, 0), TypeError);
    assert.throws(() => limiter.check(-1, policy, 1, 0), TypeError);
    assert.throws(() => limiter.check(1.5, policy, 1, 0), TypeError);
    assert.throws(() => limiter.check(1n, policy, 1, Number.NaN), TypeError);
    assert.throws(() => limiter.check(1n, policy, 1.5, 0), RangeError);
    assert.throws(() => limiter.check(1n, policy, -1, 0), RangeError);
  });

  test('without an explicit time the monotonic clock is used', () => {
    const limiter = RateLimiter.create({ capacity: 8 });
    const policy = limiter.addPolicy({ ratePerSec: 1, burst: 2 });
    assert.equal(limiter.check(1n, policy), 0);
    assert.equal(limiter.check(1n, policy), 0);
    const wait = limiter.check(1n, policy);
    assert.ok(wait > 0.9 * SEC && wait <= SEC, `wait ${wait}`);
  });

  test('checkEach charges each pair in turn and stops at the first refusal, like check() one by one', () => {
    const limiter = RateLimiter.create({ capacity: 64 });
    const loose = limiter.addPolicy({ ratePerSec: 1, burst: 3 });
    const tight = limiter.addPolicy({ ratePerSec: 1, burst: 1 });
    // Three keys, the middle one tight: the first call passes all three.
    assert.equal(limiter.checkEach(1, 1n, loose, 2n, tight, 3n, loose), 0);
    // The second is refused at key 2: key 1 was charged, key 3 was not.
    const wait = limiter.checkEach(1, 1n, loose, 2n, tight, 3n, loose);
    assert.ok(wait > 0.9 * SEC && wait <= SEC, `wait ${wait}`);
    assert.ok(limiter.debtNs(1n, loose) > 1.9 * SEC, 'key 1 charged twice');
    assert.ok(limiter.debtNs(3n, loose) <= SEC, 'key 3 charged once');
    // Two pairs, or a third pair left undefined, check two keys.
    assert.equal(limiter.checkEach(1, 4n, loose, 5n, loose), 0);
    assert.equal(limiter.checkEach(1, 4n, loose, 5n, loose, undefined, undefined), 0);
    assert.ok(limiter.debtNs(4n, loose) > 1.9 * SEC && limiter.debtNs(5n, loose) > 1.9 * SEC);
    // A cost above a burst is never admitted; bad arguments are refused.
    assert.equal(limiter.checkEach(2, 6n, loose, 7n, tight), Number.POSITIVE_INFINITY);
    assert.throws(() => limiter.checkEach(1, 1n, 999, 2n, loose), RangeError);
    assert.throws(() => limiter.checkEach(1.5, 1n, loose, 2n, loose), RangeError);
    assert.throws(() => limiter.checkEach(1, -1, loose, 2n, loose), TypeError);
    // The binding itself refuses no pair, more than its list's three pairs, and a missing count.
    const handle = (limiter as unknown as { handle: number }).handle;
    const checkEach = addon.gcraCheckEach as (...args: unknown[]) => number;
    assert.throws(() => checkEach(handle, 1, 0), TypeError);
    assert.throws(() => checkEach(handle, 1, 4), TypeError);
    assert.throws(() => checkEach(handle, 1), TypeError);
    // It checks exactly the pairs written to the list: a two-pair call after a three-pair
    // one does not charge the third key again.
    const before = limiter.debtNs(12n, loose);
    assert.equal(limiter.checkEach(1, 10n, loose, 11n, loose, 12n, loose), 0);
    assert.equal(limiter.checkEach(1, 10n, loose, 11n, loose), 0);
    assert.ok(limiter.debtNs(12n, loose) - before <= SEC + 1, 'key 12 charged once');
    // A detached limiter is refused, not read from a stale list.
    limiter.detach();
    assert.throws(() => limiter.checkEach(1, 1n, loose, 2n, loose), TypeError);
  });
});
