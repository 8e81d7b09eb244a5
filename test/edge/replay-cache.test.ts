import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplayCache, ReplayVerdict } from '../../src/edge/replay-cache.ts';

test('a signature is fresh once, then replayed for at least two windows', () => {
  const cache = new ReplayCache({ windowMs: 5000 });
  assert.equal(cache.check('sig-a', 1_000_000), ReplayVerdict.FRESH);
  assert.equal(cache.check('sig-a', 1_000_000), ReplayVerdict.REPLAYED);
  assert.equal(cache.check('sig-a', 1_010_000), ReplayVerdict.REPLAYED, 'still remembered at 2 x window');
  assert.equal(cache.check('sig-b', 1_010_000), ReplayVerdict.FRESH);
});

test('old signatures expire, and the count follows', () => {
  const cache = new ReplayCache({ windowMs: 1000 });
  for (let i = 0; i < 100; i++) cache.check(`s${i}`, 10_000);
  assert.equal(cache.entries, 100);
  // After a full turn of the buckets (2 x window + one bucket), everything has expired.
  assert.equal(cache.check('s0', 10_000 + 3000), ReplayVerdict.FRESH);
  assert.equal(cache.entries, 1);
});

test('memory is bounded: when full, new signatures are refused, not let through', () => {
  const cache = new ReplayCache({ windowMs: 1000, maxEntries: 10 });
  for (let i = 0; i < 10; i++) assert.equal(cache.check(`s${i}`, 5000), ReplayVerdict.FRESH);
  assert.equal(cache.check('s10', 5000), ReplayVerdict.FULL);
  assert.equal(cache.check('s3', 5000), ReplayVerdict.REPLAYED);
  assert.equal(cache.entries, 10);
  assert.equal(cache.check('s10', 5000 + 3000), ReplayVerdict.FRESH, 'room again once buckets expire');
});
