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

test('old signatures expire after two periods of two windows, and the count follows', () => {
  const cache = new ReplayCache({ windowMs: 1000 });
  for (let i = 0; i < 100; i++) cache.check(i, 10_000);
  assert.equal(cache.entries, 100);
  // One period later they are still remembered (the previous period's table)...
  assert.equal(cache.check(0, 10_000 + 2000), ReplayVerdict.REPLAYED);
  assert.equal(cache.check(1000, 10_000 + 3999), ReplayVerdict.FRESH);
  assert.equal(cache.entries, 101);
  // ...two periods later the first period is gone; the second is the previous one now.
  assert.equal(cache.check(0, 10_000 + 4000), ReplayVerdict.FRESH);
  assert.equal(cache.check(1000, 10_000 + 4000), ReplayVerdict.REPLAYED);
  assert.equal(cache.entries, 2);
  // A jump of several periods forgets everything.
  assert.equal(cache.check(1000, 10_000 + 60_000), ReplayVerdict.FRESH);
  assert.equal(cache.entries, 1);
});

test('agrees with a set of what it was told within two windows, through growth', () => {
  const cache = new ReplayCache({ windowMs: 1_000_000 });
  const seen = new Set<number>();
  const order: number[] = [];
  let x = 12345;
  for (let i = 0; i < 50_000; i++) {
    // Keys across the whole 52-bit range, a fifth of them repeats.
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const key = i % 5 === 4 ? order[x % order.length]! : (x * 2 ** 21 + i) % 2 ** 52;
    const expected = seen.has(key) ? ReplayVerdict.REPLAYED : ReplayVerdict.FRESH;
    assert.equal(cache.check(key, 1000 + i), expected, `key ${key}`);
    if (!seen.has(key)) order.push(key);
    seen.add(key);
  }
  assert.equal(cache.entries, seen.size);
  assert.equal(cache.check(0, 2000), ReplayVerdict.FRESH);
  assert.equal(cache.check(2 ** 52 - 1, 2000), ReplayVerdict.FRESH);
  assert.equal(cache.check(2 ** 52 - 1, 2000), ReplayVerdict.REPLAYED);
  assert.equal(cache.check(-1, 2000), ReplayVerdict.REPLAYED, 'a key that is not one is refused');
});

test('a growing table is copied 1,024 slots per new signature, and every signature stays found meanwhile', () => {
  const cache = new ReplayCache({ windowMs: 1_000_000 });
  const now = 1000;
  const key = (i: number) => (i * 2654435761) % 2 ** 52;
  // Two tables of 4,096 slots; the current one takes 2,048 signatures before it grows.
  for (let i = 0; i < 2048; i++) assert.equal(cache.check(key(i), now), ReplayVerdict.FRESH);
  assert.equal(cache.capacity, 2 * 4096);
  // The 2,049th starts a table of 8,192 beside the old 4,096, which is copied 1,024 slots
  // per new signature, over four of them. Copied in one go, it would never be seen beside
  // the new one.
  let added = 2048;
  for (let copied = 1024; copied <= 4096; copied += 1024) {
    assert.equal(cache.check(key(added++), now), ReplayVerdict.FRESH);
    assert.equal(cache.capacity, copied < 4096 ? 4096 + 4096 + 8192 : 4096 + 8192, `after ${copied}`);
    // Spot checks on both sides of the copy: every signature is still a replay.
    for (let j = copied % 7; j < added; j += 7) {
      assert.equal(cache.check(key(j), now), ReplayVerdict.REPLAYED, `key ${j} after ${copied}`);
    }
  }
  assert.equal(cache.entries, added);
  for (let j = 0; j < added; j++) assert.equal(cache.check(key(j), now), ReplayVerdict.REPLAYED);
});

test('at a steady rate a period takes the table of the period before last, zeroed: nothing it held is remembered', () => {
  const cache = new ReplayCache({ windowMs: 1000 });
  const keys = (from: number) => Array.from({ length: 3000 }, (_, i) => ((from + i) * 2654435761) % 2 ** 52);
  const [a, b, c] = [keys(0), keys(10_000), keys(20_000)];
  // Periods of 2 s, 3,000 signatures each: every table grows to 8,192 slots.
  for (const key of a) assert.equal(cache.check(key, 10_000), ReplayVerdict.FRESH);
  for (const key of b) assert.equal(cache.check(key, 12_000), ReplayVerdict.FRESH);
  for (const key of c) assert.equal(cache.check(key, 14_000), ReplayVerdict.FRESH);
  assert.equal(cache.reusedTables, 0, "until now the spare (the first period's 4,096 slots) never fitted");
  // The fourth period starts on a's table, zeroed during the third.
  assert.equal(cache.check(c[0]!, 16_000), ReplayVerdict.REPLAYED);
  assert.equal(cache.reusedTables, 1);
  for (const key of a) assert.equal(cache.check(key, 16_000), ReplayVerdict.FRESH, `a's ${key}`);
  for (const key of c) assert.equal(cache.check(key, 16_000), ReplayVerdict.REPLAYED, `c's ${key}`);
  // The fifth starts on b's table: b is forgotten, a (just seen again) is not.
  for (const key of b) assert.equal(cache.check(key, 18_000), ReplayVerdict.FRESH, `b's ${key}`);
  for (const key of a) assert.equal(cache.check(key, 18_000), ReplayVerdict.REPLAYED, `a's ${key}`);
  assert.equal(cache.reusedTables, 2);
  assert.equal(cache.capacity, 3 * 8192, 'current, previous and the spare');
});

test('memory is bounded: when full, new signatures are refused, not let through', () => {
  const cache = new ReplayCache({ windowMs: 1000, maxEntries: 10 });
  for (let i = 0; i < 10; i++) assert.equal(cache.check(i, 5000), ReplayVerdict.FRESH);
  assert.equal(cache.check(10, 5000), ReplayVerdict.FULL);
  assert.equal(cache.check(3, 5000), ReplayVerdict.REPLAYED);
  assert.equal(cache.entries, 10);
  assert.equal(cache.check(10, 5000 + 2000), ReplayVerdict.FRESH, 'room again in the next period');
  assert.equal(cache.check(3, 5000 + 2000), ReplayVerdict.REPLAYED, 'the full period is still remembered');
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
