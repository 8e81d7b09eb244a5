import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ReplayCache,
  ReplayVerdict,
  signatureKeyFromBytes,
  signatureKeyFromHex,
} from '../../src/edge/replay-cache.ts';

test('a signature is fresh once, then replayed for at least two windows', () => {
  const cache = new ReplayCache({ windowMs: 5000 });
  assert.equal(cache.check(0xa, 1_000_000), ReplayVerdict.FRESH);
  assert.equal(cache.check(0xa, 1_000_000), ReplayVerdict.REPLAYED);
  assert.equal(cache.check(0xa, 1_010_000), ReplayVerdict.REPLAYED, 'still remembered at 2 x window');
  assert.equal(cache.check(0xb, 1_010_000), ReplayVerdict.FRESH);
});

test('old signatures expire, and the count follows', () => {
  const cache = new ReplayCache({ windowMs: 1000 });
  for (let i = 0; i < 100; i++) cache.check(i, 10_000);
  assert.equal(cache.entries, 100);
  // After a full turn of the buckets (2 x window + one bucket), everything has expired.
  assert.equal(cache.check(0, 10_000 + 3000), ReplayVerdict.FRESH);
  assert.equal(cache.entries, 1);
});

test('memory is bounded: when full, new signatures are refused, not let through', () => {
  const cache = new ReplayCache({ windowMs: 1000, maxEntries: 10 });
  for (let i = 0; i < 10; i++) assert.equal(cache.check(i, 5000), ReplayVerdict.FRESH);
  assert.equal(cache.check(10, 5000), ReplayVerdict.FULL);
  assert.equal(cache.check(3, 5000), ReplayVerdict.REPLAYED);
  assert.equal(cache.entries, 10);
  assert.equal(cache.check(10, 5000 + 3000), ReplayVerdict.FRESH, 'room again once buckets expire');
});

test('a signature is keyed by its first 52 bits, the same from hex and from bytes', () => {
  const bytes = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const key = signatureKeyFromHex(bytes.toString('hex'));
  assert.equal(key, 0x0123456789abc);
  assert.equal(signatureKeyFromBytes(bytes), key);
  assert.ok(key <= Number.MAX_SAFE_INTEGER);
  assert.equal(signatureKeyFromHex('ABCDEF0123456'), -1, 'uppercase is not canonical');
  assert.equal(signatureKeyFromHex('abc'), -1);
});
