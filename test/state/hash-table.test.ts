// The live-order table answers like a Map through any sequence of sets and
// deletes, also when every key collides (the caller supplies the hashes).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { HashTable, orderIdHash } from '../../src/state/hash-table.ts';

type Op = { kind: 'set' | 'delete'; key: number; value: number };

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('set' as const, 'set' as const, 'delete' as const),
  key: fc.nat(200),
  value: fc.integer(),
});

function agrees(hashOf: (key: number) => number, ops: Op[]): void {
  const table = new HashTable<string, number>();
  const model = new Map<string, number>();
  for (const o of ops) {
    const key = `k${o.key}`;
    if (o.kind === 'set') {
      table.set(key, hashOf(o.key), o.value);
      model.set(key, o.value);
    } else {
      assert.equal(table.delete(key, hashOf(o.key)), model.delete(key));
    }
    assert.equal(table.size, model.size);
  }
  for (let k = 0; k <= 200; k++) {
    assert.equal(table.get(`k${k}`, hashOf(k)), model.get(`k${k}`));
    assert.equal(table.has(`k${k}`, hashOf(k)), model.has(`k${k}`));
  }
  const values: number[] = [];
  table.forEach((v) => {
    values.push(v);
  });
  assert.deepEqual(values.sort(), [...model.values()].sort());
}

describe('hash table', () => {
  test('agrees with a Map, with well-spread hashes', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 600 }), (ops) => agrees(orderIdHash, ops)));
  });

  test('agrees with a Map when hashes collide and wrap around the table', () => {
    // Few distinct hashes, some near the top of the table so probe runs wrap past slot 0.
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.nat(5), (ops, spread) =>
        agrees((key) => -1 - (key % (spread + 2)), ops),
      ),
    );
  });

  test('numbers as keys, by order id', () => {
    const table = new HashTable<number, string>();
    for (let id = 1; id <= 5000; id++) table.set(id, orderIdHash(id), `o${id}`);
    for (let id = 1; id <= 5000; id += 2) assert.equal(table.delete(id, orderIdHash(id)), true);
    assert.equal(table.size, 2500);
    assert.equal(table.get(2, orderIdHash(2)), 'o2');
    assert.equal(table.get(3, orderIdHash(3)), undefined);
    assert.equal(table.get(2 ** 40 + 2, orderIdHash(2 ** 40 + 2)), undefined);
    table.set(2 ** 40 + 2, orderIdHash(2 ** 40 + 2), 'big');
    assert.equal(table.get(2 ** 40 + 2, orderIdHash(2 ** 40 + 2)), 'big');
  });
});
