// The finished orders' index answers like a Map through any sequence of sets and
// deletes, also when every key collides, and also in the middle of a resize, which
// it does a few slots per change rather than all at once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { clOrdIdHash, orderIdHash } from '../../src/state/order-hashes.ts';
import { SequenceIndex } from '../../src/state/sequence-index.ts';

type Op = { kind: 'set' | 'delete'; key: number };

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('set' as const, 'set' as const, 'delete' as const),
  key: fc.nat(300),
});

/** Runs `ops` on an index and on a Map of key -> seq, checking every key after each op. */
function agrees(hashOf: (key: string) => number, ops: Op[]): void {
  const keys = new Map<number, string>();
  const index = new SequenceIndex<string>((seq, key) => keys.get(seq) === key);
  const model = new Map<string, number>();
  let nextSeq = 0;
  for (const o of ops) {
    const key = `c-${o.key}`;
    if (o.kind === 'set') {
      const seq = nextSeq++;
      keys.set(seq, key);
      assert.equal(index.set(key, hashOf(key), seq), model.get(key) ?? -1, `set ${key} replaces`);
      model.set(key, seq);
    } else {
      const seq = model.get(key);
      assert.equal(index.deleteSeq(hashOf(key), seq ?? nextSeq + 1), seq !== undefined, `delete ${key}`);
      model.delete(key);
    }
    assert.equal(index.size, model.size);
    // Also in the middle of a resize (one runs across many changes).
    if (nextSeq % 7 === 0) {
      for (let k = 0; k <= 300; k += 11)
        assert.equal(index.get(`c-${k}`, hashOf(`c-${k}`)), model.get(`c-${k}`) ?? -1);
    }
  }
  for (let k = 0; k <= 300; k++) {
    const key = `c-${k}`;
    assert.equal(index.get(key, hashOf(key)), model.get(key) ?? -1, key);
  }
}

describe('sequence index', () => {
  test('agrees with a Map through growth and shrinking', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => agrees(clOrdIdHash, ops)),
      { numRuns: 100 },
    );
  });

  test('agrees with a Map when hashes collide near the top of the table, so probe runs wrap past slot 0', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), fc.nat(5), (ops, spread) =>
        agrees((key) => -1 - (key.length % (spread + 2)), ops),
      ),
      { numRuns: 50 },
    );
  });

  test('numbers as keys (order ids), and forEach visits each entry once, also during a resize', () => {
    const index = new SequenceIndex<number>((seq, id) => seq * 7 === id);
    for (let seq = 0; seq < 2100; seq++) index.set(seq * 7, orderIdHash(seq * 7), seq);
    assert.equal(index.get(2 ** 40, orderIdHash(2 ** 40)), -1);
    assert.equal(index.get(7 * 2099, orderIdHash(7 * 2099)), 2099);
    const seen: number[] = [];
    index.forEach((seq) => {
      seen.push(seq);
    });
    assert.equal(index.capacity, 4096 + 8192, 'a resize is under way');
    assert.deepEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 2100 }, (_, i) => i),
    );
  });

  test('an index that does not shrink keeps the size of its busiest moment', () => {
    const index = new SequenceIndex<number>((seq, id) => seq === id, false);
    for (let round = 0; round < 3; round++) {
      for (let seq = 0; seq < 2000; seq++) index.set(seq, orderIdHash(seq), seq);
      for (let seq = 0; seq < 2000; seq++) assert.ok(index.deleteSeq(orderIdHash(seq), seq));
    }
    for (let i = 0; i < 2000; i++) {
      index.set(5000, orderIdHash(5000), 5000);
      index.deleteSeq(orderIdHash(5000), 5000);
    }
    assert.equal(index.size, 0);
    assert.equal(index.capacity, 4096);
  });

  test('agrees with a Map when every key has the same hash', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => agrees(() => 7, ops)),
      { numRuns: 50 },
    );
  });

  test('a resize moves the old table over later changes, and finds everything meanwhile', () => {
    const keys: string[] = [];
    const index = new SequenceIndex<string>((seq, key) => keys[seq] === key);
    const add = () => {
      const seq = keys.length;
      keys.push(`order-${seq}`);
      index.set(keys[seq]!, clOrdIdHash(keys[seq]!), seq);
    };
    // Fill to just past half of 4096 slots: the set that crosses starts the resize.
    while (index.size < 2048) add();
    const before = index.capacity;
    assert.equal(before, 4096);
    add();
    assert.equal(index.capacity, before + 2 * before, 'both tables are held while the move goes on');
    for (let seq = 0; seq < keys.length; seq++)
      assert.equal(index.get(keys[seq]!, clOrdIdHash(keys[seq]!)), seq);
    // Eight old slots per change: the move is over after 512 more.
    for (let i = 0; i < 511; i++) add();
    assert.equal(index.capacity, before + 2 * before);
    add();
    assert.equal(index.capacity, 2 * before, 'the old table is let go');
    for (let seq = 0; seq < keys.length; seq++)
      assert.equal(index.get(keys[seq]!, clOrdIdHash(keys[seq]!)), seq);
  });

  test('an index that drains with no other change gives its memory back', () => {
    // An account that goes quiet: its finished orders expire one by one and nothing is added.
    const keys: string[] = [];
    const index = new SequenceIndex<string>((seq, key) => keys[seq] === key);
    const fill = (count: number) => {
      const first = keys.length;
      for (let seq = first; seq < first + count; seq++) {
        keys.push(`order-${seq}`);
        index.set(keys[seq]!, clOrdIdHash(keys[seq]!), seq);
      }
      return first;
    };
    const first = fill(100_000);
    const full = index.capacity;
    assert.equal(full, 262_144);
    // Drained to a hundredth: no more than the tables a thousand entries call for (the
    // move of a shrink may still be under way).
    for (let seq = first; seq < first + 99_000; seq++) index.deleteSeq(clOrdIdHash(keys[seq]!), seq);
    assert.equal(index.size, 1000);
    assert.ok(index.capacity <= 64 * 1000, `${index.capacity} slots for 1,000 entries`);
    for (let seq = first + 99_000; seq < first + 100_000; seq++)
      assert.equal(index.get(keys[seq]!, clOrdIdHash(keys[seq]!)), seq);
    // Drained to nothing: the least table.
    for (let seq = first + 99_000; seq < first + 100_000; seq++)
      assert.ok(index.deleteSeq(clOrdIdHash(keys[seq]!), seq));
    assert.equal(index.size, 0);
    assert.equal(index.capacity, 16);
    // And it grows again as before.
    const again = fill(5000);
    assert.equal(index.size, 5000);
    for (let seq = again; seq < again + 5000; seq++)
      assert.equal(index.get(keys[seq]!, clOrdIdHash(keys[seq]!)), seq);
  });

  test('gives memory back as entries are deleted and changes go on', () => {
    const keys: string[] = [];
    const index = new SequenceIndex<string>((seq, key) => keys[seq] === key);
    for (let seq = 0; seq < 20_000; seq++) {
      keys.push(`order-${seq}`);
      index.set(keys[seq]!, clOrdIdHash(keys[seq]!), seq);
    }
    const full = index.capacity;
    for (let seq = 0; seq < 19_990; seq++) assert.ok(index.deleteSeq(clOrdIdHash(keys[seq]!), seq));
    // Halving is itself a move done a few slots per change: a trickle of orders finishing
    // and expiring (one set, one delete) carries it on.
    for (let i = 0; i < 20_000; i++) {
      const seq = keys.length;
      keys.push(`later-${seq}`);
      index.set(keys[seq]!, clOrdIdHash(keys[seq]!), seq);
      assert.ok(index.deleteSeq(clOrdIdHash(keys[seq]!), seq));
    }
    assert.ok(index.capacity * 16 <= full, `${index.capacity} slots left of ${full}`);
    for (let seq = 19_990; seq < 20_000; seq++)
      assert.equal(index.get(keys[seq]!, clOrdIdHash(keys[seq]!)), seq);
    assert.equal(index.get(keys[5]!, clOrdIdHash(keys[5]!)), -1);
  });
});
