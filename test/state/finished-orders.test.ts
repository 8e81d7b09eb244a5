// The finished-orders index answers exactly like a Map with a time queue,
// through growth, shrinking, wrap-around and re-used clOrdIds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { clOrdIdHash, FinishedOrders } from '../../src/state/finished-orders.ts';

type Op = { kind: 'add'; id: number; dt: number } | { kind: 'forget'; back: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.nat(300), dt: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget' as const), back: fc.nat(400) }) },
);

describe('finished orders', () => {
  test('agrees with a Map and a time-ordered list, whatever is added and forgotten', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 600 }), (ops) => {
        const index = new FinishedOrders<{ n: number }>();
        const model = new Map<string, { record: { n: number }; at: number }>();
        let now = 0;
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'add') {
            now += o.dt;
            const record = { n: n++ };
            index.add(`c-${o.id}`, record, now);
            model.delete(`c-${o.id}`); // re-added: it moves to the queue's tail
            model.set(`c-${o.id}`, { record, at: now });
          } else {
            const cutoff = now - o.back;
            index.forgetThrough(cutoff);
            for (const [id, entry] of model) if (entry.at <= cutoff) model.delete(id);
          }
        }
        for (let id = 0; id <= 300; id++) {
          const entry = model.get(`c-${id}`);
          assert.equal(index.has(`c-${id}`), entry !== undefined);
          assert.equal(index.get(`c-${id}`), entry?.record);
          assert.equal(index.finishedAt(`c-${id}`), entry ? entry.at : Number.NaN);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('grows past its first capacity and gives the memory back once emptied', () => {
    const index = new FinishedOrders<number>();
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, i, i);
    assert.equal(index.size, 100_000);
    assert.equal(index.get('order-0'), 0);
    assert.equal(index.get('order-99999'), 99_999);
    assert.equal(index.get('order-100000'), undefined);
    index.forgetThrough(99_989);
    assert.equal(index.size, 10);
    assert.equal(index.has('order-99989'), false);
    assert.equal(index.get('order-99990'), 99_990);
    index.forgetThrough(Number.POSITIVE_INFINITY);
    assert.equal(index.size, 0);
    assert.equal(index.has('order-99999'), false);
  });

  test('strings that differ only in one place hash apart', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 10_000; i++) hashes.add(clOrdIdHash(`mm1-${String(i).padStart(10, '0')}`));
    // 10k 32-bit hashes: a collision or two is possible, more means a weak mix.
    assert.ok(hashes.size >= 9_998, `only ${hashes.size} distinct hashes`);
    for (const h of hashes) assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
  });
});
