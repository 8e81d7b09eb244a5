// The finished-orders index answers exactly like a Map of the latest entry per
// clOrdId filtered by the retention window, through growth, shrinking, queue
// segments coming and going, re-used clOrdIds and the turns of its filters.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Side } from '../../src/pipeline/request.ts';
import { type FinishedOrder, FinishedOrders } from '../../src/state/finished-orders.ts';
import type { MarketState } from '../../src/state/markets.ts';
import { clOrdIdHash } from '../../src/state/order-hashes.ts';
import { OrderStatus } from '../../src/state/order-registry.ts';

const market = { symbol: 'BTC-PERP', index: 1 } as MarketState;

/** A finished order numbered `n` (its orderId), as the registry hands it over. */
function order(n: number, clOrdId: string): FinishedOrder {
  return {
    orderId: n,
    clOrdId,
    market,
    side: Side.BUY,
    type: 1,
    tif: 1,
    postOnly: false,
    priceTicks: 100 + n,
    qtyLots: 5,
    status: OrderStatus.CANCELED,
    filledLots: 0,
    filledValue: 0,
  };
}

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
          const index = new FinishedOrders(RETENTION);
          const model = new Map<string, { n: number; at: number }>();
          let now = 0;
          let n = 0;
          const agree = (at: number) => {
            for (let id = 0; id <= 400; id += 7) {
              const entry = model.get(`c-${id}`);
              const expected = entry && at - entry.at < RETENTION ? entry.n : undefined;
              assert.equal(index.get(`c-${id}`, at)?.orderId, expected, `c-${id} at ${at}`);
              assert.equal(index.has(`c-${id}`, at), expected !== undefined);
            }
          };
          for (const o of ops) {
            if (o.kind === 'add') {
              now += o.dt;
              index.add(`c-${o.id}`, order(n, `c-${o.id}`), now);
              model.set(`c-${o.id}`, { n: n++, at: now });
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
    const index = new FinishedOrders(10_000_000);
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, order(i, `order-${i}`), i);
    for (let i = 0; i < 100_000; i += 1) assert.equal(index.get(`order-${i}`, 100_000)?.orderId, i);
    let strangers = 0;
    for (let i = 100_000; i < 200_000; i++) if (index.has(`order-${i}`, 100_000)) strangers++;
    assert.equal(strangers, 0);
  });

  test('an account that goes quiet gives back its filters with its last entry', () => {
    const index = new FinishedOrders(1000);
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, order(i, `order-${i}`), Math.floor(i / 1000));
    const busy = index.filterBytes;
    assert.ok(busy >= 100_000, `${busy} bytes of filter for 100,000 entries`);
    // Expired and forgotten, a sweep's budget at a time; nothing new comes.
    while (index.forgetExpired(5000, 1024) === 1024);
    assert.equal(index.size, 0);
    assert.ok(index.filterBytes * 64 < busy, `${index.filterBytes} bytes of filter left of ${busy}`);
    // The next entries start a period as the first did: found while kept, strangers not.
    for (let i = 0; i < 5000; i++) index.add(`again-${i}`, order(i, `again-${i}`), 6000);
    for (let i = 0; i < 5000; i += 7) assert.equal(index.has(`again-${i}`, 6500), true);
    assert.equal(index.has('order-5', 6500), false);
    assert.equal(index.has('again-5', 7000), false, 'past the retention');
  });

  test('grows past its first capacity and gives the memory back once emptied', () => {
    const index = new FinishedOrders(10);
    for (let i = 0; i < 100_000; i++) index.add(`order-${i}`, order(i, `order-${i}`), i);
    assert.equal(index.size, 100_000);
    assert.ok(index.segmentCount >= 100_000 / 4096);
    assert.equal(index.get('order-99999', 100_000)?.orderId, 99_999);
    assert.equal(index.get('order-99989', 100_000), undefined, 'past the retention');
    index.forgetExpired(100_000);
    assert.equal(index.size, 9);
    assert.equal(index.segmentCount, 1, 'emptied segments are let go');
    assert.equal(index.get('order-99991', 100_000)?.orderId, 99_991);
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
    const index = new FinishedOrders(retention);
    const model = new Map<string, { n: number; at: number }>();
    let now = 0;
    for (let n = 0; n < 60_000; n++) {
      now += random(3);
      if (random(500) === 0) now += random(2 * retention);
      const id = `c-${random(8_000)}`;
      index.forgetExpired(now);
      index.add(id, order(n, id), now);
      model.set(id, { n, at: now });
      if (n % 997 === 0) {
        for (let k = 0; k < 8_000; k += 13) {
          const entry = model.get(`c-${k}`);
          const expected = entry && now - entry.at < retention ? entry.n : undefined;
          assert.equal(index.get(`c-${k}`, now)?.orderId, expected, `c-${k} at ${now} after ${n} adds`);
        }
      }
    }
    index.forgetExpired(now + retention);
    assert.equal(index.size, 0);
    assert.ok(index.segmentCount <= 1);
  });

  test('a filter that fills up is replaced by a larger one fed a few entries per add, not a pile of filters', () => {
    const index = new FinishedOrders(10_000_000);
    for (let i = 0; i < 200_000; i++) index.add(`order-${i}`, order(i, `order-${i}`), i);
    // One filter, or two while the newest is still being given the earlier entries.
    assert.ok(index.filterCount <= 2, `${index.filterCount} filters`);
    for (let i = 0; i < 200_000; i += 7) assert.equal(index.has(`order-${i}`, 200_000), true, `order-${i}`);
  });

  test('keeps every field of a finished order, none for a clOrdId replaced away, and refuses what no door lets in', () => {
    const index = new FinishedOrders(1000);
    const reloaded = { symbol: 'BTC-PERP', index: 1 } as MarketState;
    const filled: FinishedOrder = {
      orderId: 2 ** 40 + 3,
      clOrdId: 'A-z_09'.repeat(6),
      market: reloaded,
      side: Side.SELL,
      type: 2,
      tif: 4,
      postOnly: true,
      priceTicks: 2 ** 45,
      qtyLots: 7,
      status: OrderStatus.FILLED,
      filledLots: 7,
      filledValue: 7 * 2 ** 45,
    };
    index.add('first', order(1, 'first'), 0);
    index.add(filled.clOrdId, filled, 1);
    index.add('gone', null, 2);
    const found = index.get(filled.clOrdId, 3)!;
    assert.deepEqual(found, filled);
    assert.equal(found.market, reloaded, 'the market object the order was placed on');
    assert.equal(index.get('first', 3)!.market, market);
    assert.equal(index.get('gone', 3), undefined, 'a replaced-away clOrdId names no order');
    assert.equal(index.has('gone', 3), true, 'but it stays taken');
    assert.throws(() => index.add('x'.repeat(37), null, 4), RangeError);
    assert.throws(() => index.add('', null, 4), RangeError);
  });

  test('forgets at most the given number of expired entries per call, and never finds an expired one meanwhile', () => {
    const index = new FinishedOrders(100);
    for (let i = 0; i < 10_000; i++) index.add(`order-${i}`, order(i, `order-${i}`), 0);
    index.add('recent', order(10_000, 'recent'), 150);
    assert.equal(index.forgetExpired(200, 1000), 1000, 'the limit: more is left');
    assert.equal(index.size, 10_001 - 1000);
    assert.equal(index.has('order-9999', 200), false, 'expired, even before it is forgotten');
    assert.equal(index.get('order-9999', 99)?.orderId, 9999, 'still held');
    let calls = 0;
    for (let forgotten = 1000; forgotten === 1000; calls++) forgotten = index.forgetExpired(200, 1000);
    assert.equal(calls, 10, 'the other 9,000, a thousand per call, then none');
    assert.equal(index.size, 1);
    assert.equal(index.segmentCount, 1);
    assert.equal(index.get('recent', 200)?.orderId, 10_000);
  });

  test('strings that differ only in one place hash apart', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 10_000; i++) hashes.add(clOrdIdHash(`mm1-${String(i).padStart(10, '0')}`));
    // 10k 32-bit hashes: a collision or two is possible, more means a weak mix.
    assert.ok(hashes.size >= 9_998, `only ${hashes.size} distinct hashes`);
    for (const h of hashes) assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
  });
});
