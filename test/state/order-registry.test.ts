// The registry's counters stay exact through any sequence of venue answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Side } from '../../src/pipeline/request.ts';
import { type OrderRecord, OrderRegistry, OrderStatus } from '../../src/state/order-registry.ts';
import { SharedTables } from '../../src/state/shared-tables.ts';
import { testMarket as market, newOrder } from '../helpers/new-order.ts';

type Event =
  | { kind: 'open'; side: 1 | 2; qty: number }
  | { kind: 'ack' | 'cancel' | 'reject'; pick: number }
  | { kind: 'fill'; pick: number; share: number }
  | { kind: 'replace'; pick: number; qty: number }
  | { kind: 'sendReplace'; pick: number; qty: number }
  | { kind: 'answerReplace'; pick: number; applied: boolean };

const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constant('open' as const),
    side: fc.constantFrom(1 as const, 2 as const),
    qty: fc.integer({ min: 1, max: 1000 }),
  }),
  fc.record({ kind: fc.constantFrom('ack' as const, 'cancel' as const, 'reject' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('fill' as const),
    pick: fc.nat(),
    share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constantFrom('replace' as const, 'sendReplace' as const),
    pick: fc.nat(),
    qty: fc.integer({ min: 1, max: 2000 }),
  }),
  fc.record({ kind: fc.constant('answerReplace' as const), pick: fc.nat(), applied: fc.boolean() }),
);

/** A replace forwarded to the venue and not answered yet. */
interface InFlightReplace {
  order: OrderRecord;
  clOrdId: string;
  qty: number;
  heldLots: number;
}

describe('order registry', () => {
  test('open orders, open quantities and positions match the orders, whatever the venue says', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 80 }), (events) => {
        const tables = SharedTables.create({ accounts: 2, markets: 2, keys: 1 });
        const registry = new OrderRegistry(tables);
        const ids: number[] = [];
        const records = new Map<number, OrderRecord>();
        const replaces: InFlightReplace[] = [];
        let nextId = 1;
        let now = 0;
        for (const e of events) {
          now += 1;
          let openBuyHeld = 0;
          let openSellHeld = 0;
          const id = ids.length > 0 && e.kind !== 'open' ? ids[e.pick % ids.length]! : -1;
          const order = records.get(id);
          // Only live orders are found by id.
          assert.equal(registry.byId(id), order?.live ? order : undefined);
          switch (e.kind) {
            case 'open': {
              const record = registry.open(
                nextId,
                newOrder(`c${nextId}`, 1, { side: e.side, priceTicks: 100, qtyLots: e.qty }),
                null,
              );
              assert.equal(record.status, OrderStatus.PENDING_NEW);
              records.set(nextId, record);
              ids.push(nextId++);
              break;
            }
            case 'ack':
              registry.onAck(id);
              break;
            case 'cancel':
              registry.onCanceled(id, now);
              break;
            case 'reject':
              registry.onReject(id, now);
              break;
            case 'fill': {
              if (!order?.live) break;
              const qty = Math.max(1, Math.floor(order.leavesLots * e.share));
              registry.onFill(id, qty, 101, now);
              break;
            }
            case 'replace': {
              if (!order?.live || e.qty <= order.filledLots) break;
              registry.onReplaced(id, `r${id}-${now}`, 99, e.qty, now);
              break;
            }
            case 'sendReplace': {
              // As the pipeline lets it through: a live order, more than it has filled.
              if (!order?.live || e.qty <= order.filledLots) break;
              const clOrdId = `s${id}-${now}`;
              const heldLots = registry.startReplace(order, clOrdId, e.qty);
              assert.equal(heldLots, Math.max(0, e.qty - order.filledLots - order.leavesLots));
              replaces.push({ order, clOrdId, qty: e.qty, heldLots });
              break;
            }
            case 'answerReplace': {
              if (replaces.length === 0) break;
              const [r] = replaces.splice(e.pick % replaces.length, 1);
              registry.endReplace(r!.order, r!.clOrdId, r!.heldLots);
              // The venue applies it only to an order still live that has not filled past it.
              if (e.applied && r!.order.live && r!.qty > r!.order.filledLots) {
                registry.onReplaced(r!.order.orderId, r!.clOrdId, 99, r!.qty, now);
                assert.equal(r!.order.clOrdId, r!.clOrdId);
              } else {
                assert.equal(
                  registry.isClOrdIdTaken(1, r!.clOrdId, now),
                  false,
                  'a refused replace frees its id',
                );
              }
              break;
            }
          }
          // A replace in flight holds its new clOrdId and what it adds.
          for (const r of replaces) {
            assert.equal(registry.isClOrdIdTaken(1, r.clOrdId, now), true);
            if (r.order.side === Side.BUY) openBuyHeld += r.heldLots;
            else openSellHeld += r.heldLots;
          }
          // The counters equal what the orders themselves say.
          let live = 0;
          let openBuy = 0;
          let openSell = 0;
          let position = 0;
          for (const orderId of ids) {
            const o = records.get(orderId)!;
            if (o.live) {
              live++;
              if (o.side === Side.BUY) openBuy += o.leavesLots;
              else openSell += o.leavesLots;
            }
            position += o.side === Side.BUY ? o.filledLots : -o.filledLots;
            assert.ok(o.leavesLots >= 0);
            assert.equal(o.live ? o.leavesLots + o.filledLots : o.leavesLots, o.live ? o.qtyLots : 0);
          }
          assert.equal(tables.openOrderCount(1), live);
          assert.equal(tables.openBuyLots(1, 1), openBuy + openBuyHeld);
          assert.equal(tables.openSellLots(1, 1), openSell + openSellHeld);
          assert.equal(tables.positionLots(1, 1), position);
          assert.equal(registry.liveOrders(1).length, live);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('lookups by clOrdId follow replaces; finished orders stay readable for the retention window', () => {
    const tables = SharedTables.create({ accounts: 1, markets: 2, keys: 1 });
    const registry = new OrderRegistry(tables, 1000);
    registry.open(7, newOrder('a', 0, { side: Side.SELL }), 'session-1');
    registry.onAck(7);
    registry.onReplaced(7, 'b', 11, 6, 10);
    assert.equal(registry.findLive(0, 'a'), undefined);
    assert.equal(registry.findLive(0, 'b')?.priceTicks, 11);
    assert.equal(registry.isClOrdIdTaken(0, 'a', 20), true, 'the old clOrdId stays taken');
    registry.onFill(7, 6, 11, 30);
    const done = registry.find(0, 'b', 500)!;
    assert.equal(done.status, OrderStatus.FILLED);
    assert.equal(done.averagePriceTicks, 11);
    assert.deepEqual(
      [done.orderId, done.clOrdId, done.accountIndex, done.market, done.side, done.priceTicks, done.qtyLots],
      [7, 'b', 0, market, Side.SELL, 11, 6],
    );
    assert.deepEqual([done.filledLots, done.leavesLots, done.live], [6, 0, false]);
    assert.equal(done.owner, null, 'a finished order is rebuilt for reading; nothing is relayed to it');
    assert.equal(registry.find(0, 'a', 500), undefined, 'a replaced-away clOrdId names no order');
    assert.equal(registry.find(0, 'b', 1030), undefined, 'forgotten after the retention window');
    assert.equal(registry.isClOrdIdTaken(0, 'b', 1030), false);
    assert.equal(tables.positionLots(0, 1), -6);
  });

  test('an account back from a quiet spell forgets its backlog a little per order; the sweep takes the rest', () => {
    const tables = SharedTables.create({ accounts: 2, markets: 2, keys: 1 });
    const registry = new OrderRegistry(tables, 1000);
    const place = (id: number, clOrdId: string, now: number, account = 1) => {
      registry.open(id, newOrder(clOrdId, account), null);
      registry.onCanceled(id, now);
    };
    for (let id = 1; id <= 5000; id++) place(id, `c${id}`, 0);
    for (let id = 1; id <= 3000; id++) place(10_000 + id, `d${id}`, 0, 0);
    assert.equal(registry.finishedHeld(1), 5000);
    // An hour later, one order finishes: it forgets only a few of the 5,000 expired ones.
    place(5001, 'back', 3_600_000);
    assert.equal(registry.finishedHeld(1), 5000 - 16 + 1);
    assert.equal(registry.isClOrdIdTaken(1, 'c1', 3_600_000), false, 'expired means free, forgotten or not');
    assert.equal(registry.isClOrdIdTaken(1, 'back', 3_600_000), true);
    // A sweep's budget is shared by all accounts: two idle backlogs cost no more per sweep than one.
    const held = () => registry.finishedHeld(0) + registry.finishedHeld(1);
    assert.equal(registry.forgetExpired(3_600_000, 1000), false);
    assert.equal(held(), 3000 + 4985 - 1000);
    let sweeps = 1;
    for (let done = false; !done; sweeps++) done = registry.forgetExpired(3_600_000, 1000);
    assert.equal(sweeps, 8, 'the 7,984 expired, a thousand per sweep');
    assert.equal(registry.finishedHeld(0), 0);
    assert.equal(registry.finishedHeld(1), 1);
    assert.equal(registry.find(1, 'back', 3_600_000)?.orderId, 5001);
  });

  test('late answers for finished orders change nothing', () => {
    const tables = SharedTables.create({ accounts: 1, markets: 2, keys: 1 });
    const registry = new OrderRegistry(tables);
    registry.open(1, newOrder('x', 0), null);
    registry.onCanceled(1, 1);
    registry.onFill(1, 5, 10, 2);
    registry.onReject(1, 3);
    assert.equal(registry.find(0, 'x', 4)!.status, OrderStatus.CANCELED);
    assert.equal(registry.byId(1), undefined, 'a finished order is no longer found by id');
    assert.equal(tables.positionLots(0, 1), 0);
    assert.equal(tables.openOrderCount(0), 0);
    assert.equal(tables.openBuyLots(0, 1), 0);
  });

  test('a replace in flight holds its new clOrdId (in its account) and the quantity it adds, until it ends', () => {
    const tables = SharedTables.create({ accounts: 2, markets: 2, keys: 1 });
    const registry = new OrderRegistry(tables);
    const order = registry.open(1, newOrder('a', 0), null); // buys 5 lots
    const other = registry.open(2, newOrder('b', 1), null);
    assert.equal(registry.startReplace(order, 'next', 8), 3);
    assert.equal(registry.isClOrdIdTaken(0, 'next', 0), true);
    assert.equal(registry.isClOrdIdTaken(1, 'next', 0), false);
    assert.equal(tables.openBuyLots(0, 1), 8, 'the 3 lots it adds count as open');
    registry.endReplace(order, 'next', 3);
    assert.equal(registry.isClOrdIdTaken(0, 'next', 0), false);
    assert.equal(tables.openBuyLots(0, 1), 5);
    // A smaller quantity holds nothing: until the venue applies it, the old one may still fill.
    assert.equal(registry.startReplace(order, 'a', 2), 0);
    assert.equal(tables.openBuyLots(0, 1), 5);
    registry.endReplace(order, 'a', 0);
    assert.equal(registry.isClOrdIdTaken(0, 'a', 0), true, "the order's own clOrdId stays taken");
    registry.endReplace(order, 'next', 0); // ending one again changes nothing...
    registry.startReplace(other, 'other', 5);
    assert.equal(registry.isClOrdIdTaken(1, 'other', 0), true, '...not even the count of held clOrdIds');
  });
});
