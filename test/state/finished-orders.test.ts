// The finished-orders index answers exactly like a Map of the latest entry per
// clOrdId filtered by the retention window, through growth, shrinking, queue
// segments coming and going, re-used clOrdIds and the turns of its filters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FinishedOrders } from '../../src/state/finished-orders.ts';
import { clOrdIdHash } from '../../src/state/hash-table.ts';

type Op = { kind: 'add'; id: number; dt: number } | { kind: 'forget' } | { kind: 'wait'; dt: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.nat(400), dt: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const) }) },
  // Long waits turn the filters (retention + slack is 1,100 ms here).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), dt: fc.nat(1500) }) },
);

const RETENTION = 100;

describe('finished orders', () => {
  test('agrees with a Map of the latest entries within the retention, whatever happens', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 1200 }),
        fc.nat(RETENTION * 2),
        (ops, lookAhead) => {
          const index = new FinishedOrders<{ n: number }>(RETENTION);
          const model = new Map<string, { record: { n: number }; at: number }>();
          let now = 0;
          let n = 0;
          const agree = (at: number) => {
            for (let id = 0; id <= 400; id += 7) {
              const entry = model.get(`c-${id}`);
              const expected = entry && at - entry.at < RETENTION ? entry.record : undefined;
              assert.equal(index.get(`c-${id}`, at), expected, `c-${id} at ${at}`);
              assert.equal(index.has(`c-${id}`, at), expected !== undefined);
            }
          };
          for (const o of ops) {
            if (o.kind === 'add') {
              now += o.dt;
              const record = { n: n++ };
              index.add(`c-${o.id}`, record, now);
              model.set(`c-${o.id}`, { record, at: now });
            } else if (o.kind === 'wait') {
              now += o.dt;
              agree(now);
            } else {
              index.forgetExpired(now);
            }
          }
          agree(now);
          agree(now + lookAhead);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('every entry of a long busy period stays found (the filter grows, never forgets)', () => {
    const index = new FinishedOrders<number>(10_000_000);
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, i, i);
    for (let i = 0; i < 100_000; i += 1) assert.equal(index.get(`order-${i}`, 100_000), i);
    let strangers = 0;
    for (let i = 100_000; i < 200_000; i++) if (index.has(`order-${i}`, 100_000)) strangers++;
    assert.equal(strangers, 0);
  });

  test('grows past its first capacity and gives the memory back once emptied', () => {
    const index = new FinishedOrders<number>(10);
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, i, i);
    assert.equal(index.size, 100_000);
    assert.ok(index.segmentCount >= 100_000 / 4096);
    assert.equal(index.get('order-99999', 100_000), 99_999);
    assert.equal(index.get('order-99989', 100_000), undefined, 'past the retention');
    index.forgetExpired(100_000);
    assert.equal(index.size, 9);
    assert.equal(index.segmentCount, 1, 'emptied segments are let go');
    assert.equal(index.get('order-99991', 100_000), 99_991);
    index.forgetExpired(200_000);
    assert.equal(index.size, 0);
    assert.equal(index.has('order-99999', 100_000), false);
  });

  test('agrees with the model over many queue segments, with clOrdIds re-used across them', () => {
    // A seeded walk long enough to fill, empty and re-use queue segments (4,096 entries).
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const retention = 5_000;
    const index = new FinishedOrders<number>(retention);
    const model = new Map<string, { n: number; at: number }>();
    let now = 0;
    for (let n = 0; n < 60_000; n++) {
      now += random(3);
      if (random(500) === 0) now += random(2 * retention);
      const id = `c-${random(8_000)}`;
      index.forgetExpired(now);
      index.add(id, n, now);
      model.set(id, { n, at: now });
      if (n % 997 === 0) {
        for (let k = 0; k < 8_000; k += 13) {
          const entry = model.get(`c-${k}`);
          const expected = entry && now - entry.at < retention ? entry.n : undefined;
          assert.equal(index.get(`c-${k}`, now), expected, `c-${k} at ${now} after ${n} adds`);
        }
      }
    }
    index.forgetExpired(now + retention);
    assert.equal(index.size, 0);
    assert.ok(index.segmentCount <= 1);
  });

  test('a filter that fills up is replaced by a larger one fed a few entries per add, not a pile of filters', () => {
    const index = new FinishedOrders<number>(10_000_000);
    for (let i = 0; i < 200_000; i++) index.add(`order-${i}`, i, i);
    // One filter, or two while the newest is still being given the earlier entries.
    assert.ok(index.filterCount <= 2, `${index.filterCount} filters`);
    for (let i = 0; i < 200_000; i += 7) assert.equal(index.has(`order-${i}`, 200_000), true, `order-${i}`);
  });

  test('strings that differ only in one place hash apart', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 10_000; i++) hashes.add(clOrdIdHash(`mm1-${String(i).padStart(10, '0')}`));
    // 10k 32-bit hashes: a collision or two is possible, more means a weak mix.
    assert.ok(hashes.size >= 9_998, `only ${hashes.size} distinct hashes`);
    for (const h of hashes) assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
  });
});
