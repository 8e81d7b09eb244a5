// One rate-limit decision: our native GCRA (call from JS included, clock read
// natively) against rate-limiter-flexible's RateLimiterMemory, awaited the way
// its users call it.
//   ratelimit.check.*        normal traffic: 1,000 keys, every call admitted
//   ratelimit.check.*.flood  one key far over its limit: every call rejected
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RateLimiter } from '../../src/native/rate-limiter.ts';
import type { MicroSuite } from '../lib/suite.ts';

const KEYS = 1000;

export const rateLimitSuite: MicroSuite = {
  name: 'ratelimit',
  cases: () => {
    const limiter = RateLimiter.create({ capacity: 4096 });
    const policy = limiter.addPolicy({ ratePerSec: 1e9, burst: 1e9 });
    const keys = Array.from({ length: KEYS }, (_, i) => limiter.keyOf(`account-${i}`));
    let next = 0;

    const floodPolicy = limiter.addPolicy({ ratePerSec: 100, burst: 100 });
    const floodKey = limiter.keyOf('flooding-account');

    const flexible = new RateLimiterMemory({ points: 1e9, duration: 1 });
    const flexibleFlood = new RateLimiterMemory({ points: 100, duration: 1 });
    const names = Array.from({ length: KEYS }, (_, i) => `account-${i}`);
    let nextName = 0;

    return [
      {
        name: 'ratelimit.check.native',
        batch: 1000,
        run: () => {
          next = next === KEYS - 1 ? 0 : next + 1;
          return limiter.check(keys[next]!, policy, 1);
        },
      },
      {
        name: 'ratelimit.check.rate-limiter-flexible',
        batch: 100,
        run: () => undefined,
        runAsync: () => {
          nextName = nextName === KEYS - 1 ? 0 : nextName + 1;
          return flexible.consume(names[nextName]!, 1);
        },
      },
      {
        name: 'ratelimit.check.native.flood',
        batch: 1000,
        run: () => limiter.check(floodKey, floodPolicy, 1),
      },
      {
        name: 'ratelimit.check.rate-limiter-flexible.flood',
        batch: 100,
        run: () => undefined,
        runAsync: () => flexibleFlood.consume('flooding-account', 1).catch(() => false),
      },
    ];
  },
  comparisons: [
    ['ratelimit.check.native', 'ratelimit.check.rate-limiter-flexible'],
    ['ratelimit.check.native.flood', 'ratelimit.check.rate-limiter-flexible.flood'],
  ],
};
