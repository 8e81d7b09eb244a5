// The live orders answer like two Maps (by order id, by account and clOrdId)
// through any sequence of adds, renames and removals, across segments and index
// resizes, and reuse freed places instead of growing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LiveOrders } from '../../src/state/live-orders.ts';
import { clOrdIdHash } from '../../src/state/order-hashes.ts';
import { OrderRecord } from '../../src/state/order-registry.ts';
import { newOrder } from '../helpers/new-order.ts';

function record(orderId: number, clOrdId: string, account: number): OrderRecord {
  return new OrderRecord(orderId, newOrder(clOrdId, account), null);
}

type Op =
  | { kind: 'add'; account: number; name: number }
  | { kind: 'remove' | 'rename'; pick: number; name: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('add' as const), account: fc.nat(3), name: fc.nat(400) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(), name: fc.constant(0) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), name: fc.nat(400) }),
  },
);

/** Runs `ops` against the store and a model, checking every answer as it goes and at the end. */
function agrees(ops: Op[]): void {
  const live = new LiveOrders();
  const byId = new Map<number, OrderRecord>();
  const byName = new Map<string, OrderRecord>(); // `${account}/${clOrdId}`
  let nextId = 1;
  const check = () => {
    assert.equal(live.size, byId.size);
    for (const [id, r] of byId) assert.equal(live.byId(id), r, `order ${id}`);
    for (const [name, r] of byName) {
      assert.equal(live.find(r.accountIndex, r.clOrdId, clOrdIdHash(r.clOrdId)), r, name);
      assert.ok(live.has(r.accountIndex, r.clOrdId, clOrdIdHash(r.clOrdId)));
    }
    for (let account = 0; account <= 3; account++) {
      const held: OrderRecord[] = [];
      live.forEachOf(account, (r) => {
        held.push(r);
      });
      const expected = [...byId.values()].filter((r) => r.accountIndex === account);
      assert.deepEqual(
        held.map((r) => r.orderId).sort((a, b) => a - b),
        expected.map((r) => r.orderId).sort((a, b) => a - b),
      );
      assert.equal(live.sizeOf(account), expected.length);
    }
    const all: number[] = [];
    live.forEach((r) => {
      all.push(r.orderId);
    });
    assert.deepEqual(
      all.sort((a, b) => a - b),
      [...byId.keys()].sort((a, b) => a - b),
    );
    assert.deepEqual(
      live.accountsWithOrders(),
      [...new Set([...byId.values()].map((r) => r.accountIndex))].sort(),
    );
  };
  for (const o of ops) {
    const ids = [...byId.keys()];
    if (o.kind === 'add') {
      const clOrdId = `c${o.name}`;
      if (byName.has(`${o.account}/${clOrdId}`)) {
        assert.ok(live.has(o.account, clOrdId, clOrdIdHash(clOrdId)));
        continue;
      }
      const r = record(nextId++, clOrdId, o.account);
      live.add(r, clOrdIdHash(clOrdId));
      byId.set(r.orderId, r);
      byName.set(`${o.account}/${clOrdId}`, r);
    } else if (ids.length > 0) {
      const r = byId.get(ids[o.pick % ids.length]!)!;
      if (o.kind === 'remove') {
        live.remove(r);
        assert.equal(r.place, -1);
        byId.delete(r.orderId);
        byName.delete(`${r.accountIndex}/${r.clOrdId}`);
        assert.equal(live.byId(r.orderId), undefined);
        assert.equal(live.find(r.accountIndex, r.clOrdId, clOrdIdHash(r.clOrdId)), undefined);
      } else {
        const clOrdId = `r${o.name}`;
        if (byName.has(`${r.accountIndex}/${clOrdId}`)) continue;
        const old = r.clOrdId;
        byName.delete(`${r.accountIndex}/${old}`);
        live.rename(r, clOrdId, clOrdIdHash(clOrdId));
        byName.set(`${r.accountIndex}/${clOrdId}`, r);
        assert.equal(r.clOrdId, clOrdId);
        assert.equal(live.has(r.accountIndex, old, clOrdIdHash(old)), false);
      }
    }
    if (nextId % 5 === 0) check();
  }
  check();
}

describe('live orders', () => {
  test('agree with a model through adds, renames and removals', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 800 }), agrees), { numRuns: 100 });
  });

  test('a seeded walk over many segments: everything is found, freed places are reused', () => {
    // A random walk between 0 and 12,000 live orders (three segments' worth), with the
    // indexes resizing on the way up.
    let seed = 42;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const live = new LiveOrders();
    const held: OrderRecord[] = [];
    let nextId = 1;
    let peak = 0;
    for (let step = 0; step < 60_000; step++) {
      const grow = held.length < 12_000 && (held.length === 0 || random() < 0.55);
      if (grow) {
        const r = record(nextId, `o-${nextId}`, nextId % 3);
        nextId++;
        live.add(r, clOrdIdHash(r.clOrdId));
        held.push(r);
      } else {
        const at = Math.floor(random() * held.length);
        const r = held[at]!;
        held[at] = held[held.length - 1]!;
        held.pop();
        live.remove(r);
      }
      peak = Math.max(peak, held.length);
    }
    assert.equal(live.size, held.length);
    for (const r of held) {
      assert.equal(live.byId(r.orderId), r);
      assert.equal(live.find(r.accountIndex, r.clOrdId, clOrdIdHash(r.clOrdId)), r);
    }
    // Places are only added when none is free: never more segments than the peak needs.
    assert.equal(live.places, Math.ceil(peak / 4096) * 4096);
    assert.ok(nextId > 3 * live.places, 'many more orders passed through than places exist');
  });

  test('a removed order is not found, and removing it again changes nothing', () => {
    const live = new LiveOrders();
    const a = record(1, 'same', 0);
    const b = record(2, 'same', 1); // the same clOrdId in another account
    live.add(a, clOrdIdHash('same'));
    live.add(b, clOrdIdHash('same'));
    live.remove(a);
    live.remove(a);
    assert.equal(live.size, 1);
    assert.equal(live.byId(1), undefined);
    assert.equal(live.find(0, 'same', clOrdIdHash('same')), undefined);
    assert.equal(live.find(1, 'same', clOrdIdHash('same')), b);
    assert.equal(live.byId(2), b);
  });
});
