// The replay cache as a REST edge under a rising signed-request rate first fills
// it: each check of a fresh signature timed alone while one period grows from
// empty to ENTRIES signatures, reporting the longest single check, which is how
// long the whole process stood still for it.
//   replay.check@1M      ReplayCache (typed-array tables copied a few slots per
//                        check when they grow)
//   replay.check@1M.set  the peer: a Set of the same 52-bit keys, which rehashes
//                        all its entries at once as it grows
// Each key (a signature's first 52 bits) is made before its check is timed.
import { ReplayCache, ReplayVerdict } from '../../src/edge/replay-cache.ts';
import { eachOpWhileGrowing } from '../lib/each-op.ts';
import type { MicroOptions } from '../lib/micro.ts';
import type { BenchResult } from '../lib/report.ts';
import type { MicroSuite } from '../lib/suite.ts';

const ENTRIES = 1_000_000;
const NOW_MS = 1_000_000;

/** Distinct keys spread over the 52 bits, as verified signatures' are. */
function signatureKey(i: number): number {
  return ((i + 1) * 0x9e3779b97f4a) % 2 ** 52;
}

function ours(_options: MicroOptions): BenchResult {
  // A window long enough that the whole row is one period.
  const cache = new ReplayCache({ windowMs: 3_600_000, maxEntries: ENTRIES });
  const row = eachOpWhileGrowing('replay.check@1M', ENTRIES, signatureKey, (key) => {
    if (cache.check(key, NOW_MS) !== ReplayVerdict.FRESH)
      throw new Error('replay.check@1M: a fresh key was refused');
  });
  if (cache.entries !== ENTRIES) throw new Error(`replay.check@1M: ${cache.entries} entries`);
  return row;
}

function set(_options: MicroOptions): BenchResult {
  const seen = new Set<number>();
  const row = eachOpWhileGrowing('replay.check@1M.set', ENTRIES, signatureKey, (key) => {
    if (seen.has(key)) throw new Error('replay.check@1M.set: a fresh key was refused');
    seen.add(key);
  });
  if (seen.size !== ENTRIES) throw new Error(`replay.check@1M.set: ${seen.size} entries`);
  return row;
}

export const replayCacheSuite: MicroSuite = {
  name: 'replay-cache',
  cases: () => [
    { name: 'replay.check@1M', batch: 1, run: () => undefined, measure: ours },
    { name: 'replay.check@1M.set', batch: 1, run: () => undefined, measure: set },
  ],
  // Throughput as for every micro pair, and the longest single op: what these rows are for.
  comparisons: [
    ['replay.check@1M', 'replay.check@1M.set'],
    ['replay.check@1M', 'replay.check@1M.set', 'maxMs'],
  ],
};
