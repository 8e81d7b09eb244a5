import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  OrderType,
  Side,
  type SideValue,
  TimeInForce,
  type TimeInForceValue,
} from '../../src/pipeline/request.ts';
import type { NewOrderMessage } from '../../src/venue/messages.ts';
import { MatchingEngine } from '../../src/venue/simulator/matching-engine.ts';
import { type Routed, recordingSink } from './support/recording-sink.ts';

const A = 1; // connection ids
const B = 2;
const SYM = 'BTC-USD';

let events: Routed[];
let engine: MatchingEngine;

/** Events recorded since the last call. */
function take(): Routed[] {
  return events.splice(0);
}

function order(
  orderId: number,
  side: SideValue,
  priceTicks: number,
  qtyLots: number,
  extra: Partial<NewOrderMessage> = {},
): NewOrderMessage {
  return {
    kind: 'newOrder',
    requestId: orderId,
    orderId,
    account: 'ACC-A',
    symbol: SYM,
    side,
    type: OrderType.LIMIT,
    tif: TimeInForce.GTC,
    postOnly: false,
    priceTicks,
    qtyLots,
    ...extra,
  };
}

function limit(
  owner: number,
  orderId: number,
  side: SideValue,
  price: number,
  qty: number,
  tif?: TimeInForceValue,
) {
  engine.newOrder(owner, order(orderId, side, price, qty, tif === undefined ? {} : { tif }));
}

function depth(side: SideValue) {
  return engine.book(SYM)?.depth(side) ?? [];
}

describe('matching engine', () => {
  beforeEach(() => {
    events = [];
    engine = new MatchingEngine(recordingSink(events));
  });

  it('acks and rests a limit order', () => {
    limit(A, 1, Side.BUY, 100, 5);
    assert.deepEqual(take(), [{ owner: A, kind: 'ack', requestId: 1, orderId: 1 }]);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 5, orderIds: [1] }]);
    assert.equal(engine.openOrders(A), 1);
  });

  it('matches by price, then time, at the maker price; fills both sides with leaves and a shared tradeId', () => {
    limit(A, 1, Side.SELL, 101, 2);
    limit(A, 2, Side.SELL, 100, 2);
    limit(B, 3, Side.SELL, 100, 2);
    take();
    limit(B, 10, Side.BUY, 102, 5);
    assert.deepEqual(take(), [
      { owner: B, kind: 'ack', requestId: 10, orderId: 10 },
      { owner: B, kind: 'fill', orderId: 10, qtyLots: 2, priceTicks: 100, leavesLots: 3, tradeId: 1 },
      { owner: A, kind: 'fill', orderId: 2, qtyLots: 2, priceTicks: 100, leavesLots: 0, tradeId: 1 },
      { owner: B, kind: 'fill', orderId: 10, qtyLots: 2, priceTicks: 100, leavesLots: 1, tradeId: 2 },
      { owner: B, kind: 'fill', orderId: 3, qtyLots: 2, priceTicks: 100, leavesLots: 0, tradeId: 2 },
      { owner: B, kind: 'fill', orderId: 10, qtyLots: 1, priceTicks: 101, leavesLots: 0, tradeId: 3 },
      { owner: A, kind: 'fill', orderId: 1, qtyLots: 1, priceTicks: 101, leavesLots: 1, tradeId: 3 },
      { owner: 0, kind: 'refPrice', symbol: SYM, priceTicks: 101 },
    ]);
    assert.deepEqual(depth(Side.SELL), [{ priceTicks: 101, totalLots: 1, orderIds: [1] }]);
    assert.deepEqual(depth(Side.BUY), []);
    assert.equal(engine.book(SYM)?.lastTradeTicks, 101);
  });

  it('partially fills the taker and rests its remainder', () => {
    limit(A, 1, Side.BUY, 100, 3);
    take();
    limit(B, 2, Side.SELL, 99, 5);
    assert.deepEqual(take(), [
      { owner: B, kind: 'ack', requestId: 2, orderId: 2 },
      { owner: B, kind: 'fill', orderId: 2, qtyLots: 3, priceTicks: 100, leavesLots: 2, tradeId: 1 },
      { owner: A, kind: 'fill', orderId: 1, qtyLots: 3, priceTicks: 100, leavesLots: 0, tradeId: 1 },
      { owner: 0, kind: 'refPrice', symbol: SYM, priceTicks: 100 },
    ]);
    assert.deepEqual(depth(Side.SELL), [{ priceTicks: 99, totalLots: 2, orderIds: [2] }]);
    assert.equal(engine.openOrders(A), 0);
  });

  it('does not match orders that do not cross; keeps levels sorted best first', () => {
    limit(A, 1, Side.BUY, 99, 1);
    limit(A, 2, Side.BUY, 101, 1);
    limit(A, 3, Side.BUY, 100, 1);
    limit(A, 4, Side.SELL, 103, 1);
    limit(A, 5, Side.SELL, 102, 1);
    assert.equal(take().filter((e) => e.kind !== 'ack').length, 0);
    assert.deepEqual(
      depth(Side.BUY).map((l) => l.priceTicks),
      [101, 100, 99],
    );
    assert.deepEqual(
      depth(Side.SELL).map((l) => l.priceTicks),
      [102, 103],
    );
  });

  it('IOC fills what it can and cancels the remainder, unsolicited', () => {
    limit(A, 1, Side.SELL, 100, 2);
    take();
    limit(B, 2, Side.BUY, 100, 5, TimeInForce.IOC);
    const out = take();
    assert.deepEqual(out.at(-1), { owner: B, kind: 'canceled', requestId: 0, orderId: 2 });
    assert.equal(out.filter((e) => e.kind === 'fill').length, 2);
    assert.deepEqual(depth(Side.BUY), []);
  });

  it('FOK without enough liquidity is acked then canceled whole, touching nothing', () => {
    limit(A, 1, Side.SELL, 100, 2);
    limit(A, 2, Side.SELL, 105, 5);
    take();
    limit(B, 3, Side.BUY, 101, 3, TimeInForce.FOK);
    assert.deepEqual(take(), [
      { owner: B, kind: 'ack', requestId: 3, orderId: 3 },
      { owner: B, kind: 'canceled', requestId: 0, orderId: 3 },
    ]);
    assert.equal(depth(Side.SELL)[0]?.totalLots, 2);
  });

  it('FOK with enough liquidity fills completely across levels', () => {
    limit(A, 1, Side.SELL, 100, 2);
    limit(A, 2, Side.SELL, 101, 5);
    take();
    limit(B, 3, Side.BUY, 101, 4, TimeInForce.FOK);
    const fills = take().filter((e) => e.kind === 'fill' && e.owner === B);
    assert.deepEqual(
      fills.map((e) => e.kind === 'fill' && [e.qtyLots, e.priceTicks, e.leavesLots]),
      [
        [2, 100, 2],
        [2, 101, 0],
      ],
    );
    assert.deepEqual(depth(Side.SELL), [{ priceTicks: 101, totalLots: 3, orderIds: [2] }]);
  });

  it('a market order takes liquidity at any price and cancels what is left', () => {
    limit(A, 1, Side.BUY, 90, 1);
    limit(A, 2, Side.BUY, 50, 1);
    take();
    engine.newOrder(B, order(3, Side.SELL, 0, 3, { type: OrderType.MARKET }));
    const out = take();
    assert.deepEqual(
      out.filter((e) => e.kind === 'fill' && e.owner === B).map((e) => e.kind === 'fill' && e.priceTicks),
      [90, 50],
    );
    assert.deepEqual(out.at(-1), { owner: B, kind: 'canceled', requestId: 0, orderId: 3 });
    assert.deepEqual(out.at(-2), { owner: 0, kind: 'refPrice', symbol: SYM, priceTicks: 50 });
    assert.deepEqual(depth(Side.SELL), []);
  });

  it('a market order without liquidity is acked then canceled', () => {
    engine.newOrder(B, order(3, Side.BUY, 0, 3, { type: OrderType.MARKET, tif: TimeInForce.GTC }));
    assert.deepEqual(take(), [
      { owner: B, kind: 'ack', requestId: 3, orderId: 3 },
      { owner: B, kind: 'canceled', requestId: 0, orderId: 3 },
    ]);
    assert.equal(engine.openOrders(B), 0);
  });

  it('rejects a post-only order that would cross, and rests one that would not', () => {
    limit(A, 1, Side.SELL, 100, 2);
    take();
    engine.newOrder(B, order(2, Side.BUY, 100, 1, { postOnly: true }));
    assert.deepEqual(take(), [
      { owner: B, kind: 'reject', requestId: 2, orderId: 2, reason: 'POST_ONLY_WOULD_CROSS' },
    ]);
    engine.newOrder(B, order(3, Side.BUY, 99, 1, { postOnly: true }));
    assert.deepEqual(take(), [{ owner: B, kind: 'ack', requestId: 3, orderId: 3 }]);
  });

  it('rejects invalid new orders', () => {
    engine.newOrder(A, order(1, Side.BUY, 100, 0));
    engine.newOrder(A, order(2, Side.BUY, 0, 1));
    engine.newOrder(A, order(3, Side.BUY, 100, 1, { symbol: '' }));
    engine.newOrder(A, order(4, Side.BUY, 0, 1, { type: OrderType.MARKET, postOnly: true }));
    limit(A, 5, Side.BUY, 100, 1);
    limit(A, 5, Side.BUY, 100, 1);
    assert.deepEqual(
      take().map((e) => (e.kind === 'reject' ? e.reason : e.kind)),
      ['INVALID_QUANTITY', 'INVALID_PRICE', 'INVALID_ORDER', 'INVALID_ORDER', 'ack', 'DUPLICATE_ORDER_ID'],
    );
  });

  it('cancels a resting order; an unknown or already canceled order is rejected', () => {
    limit(A, 1, Side.BUY, 100, 5);
    take();
    engine.cancel(B, { kind: 'cancel', requestId: 7, orderId: 1 }); // another connection's order
    engine.cancel(A, { kind: 'cancel', requestId: 8, orderId: 1 });
    engine.cancel(A, { kind: 'cancel', requestId: 9, orderId: 1 });
    assert.deepEqual(take(), [
      { owner: B, kind: 'reject', requestId: 7, orderId: 1, reason: 'UNKNOWN_ORDER' },
      { owner: A, kind: 'canceled', requestId: 8, orderId: 1 },
      { owner: A, kind: 'reject', requestId: 9, orderId: 1, reason: 'UNKNOWN_ORDER' },
    ]);
    assert.deepEqual(depth(Side.BUY), []);
  });

  it('replace to a lower quantity at the same price keeps time priority', () => {
    limit(A, 1, Side.BUY, 100, 5);
    limit(A, 2, Side.BUY, 100, 5);
    take();
    engine.replace(A, { kind: 'replace', requestId: 11, orderId: 1, priceTicks: 100, qtyLots: 3 });
    assert.deepEqual(take(), [
      { owner: A, kind: 'replaced', requestId: 11, orderId: 1, priceTicks: 100, qtyLots: 3, leavesLots: 3 },
    ]);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 8, orderIds: [1, 2] }]);
  });

  it('replace to a larger quantity or another price loses time priority', () => {
    limit(A, 1, Side.BUY, 100, 5);
    limit(A, 2, Side.BUY, 100, 5);
    limit(A, 3, Side.BUY, 99, 5);
    engine.replace(A, { kind: 'replace', requestId: 11, orderId: 1, priceTicks: 100, qtyLots: 6 });
    assert.deepEqual(depth(Side.BUY)[0], { priceTicks: 100, totalLots: 11, orderIds: [2, 1] });
    engine.replace(A, { kind: 'replace', requestId: 12, orderId: 2, priceTicks: 99, qtyLots: 5 });
    assert.deepEqual(depth(Side.BUY), [
      { priceTicks: 100, totalLots: 6, orderIds: [1] },
      { priceTicks: 99, totalLots: 10, orderIds: [3, 2] },
    ]);
  });

  it('replace counts the filled quantity: leaves = new qty - filled; qty <= filled is rejected', () => {
    limit(A, 1, Side.BUY, 100, 5);
    limit(B, 2, Side.SELL, 100, 2);
    take();
    engine.replace(A, { kind: 'replace', requestId: 11, orderId: 1, priceTicks: 100, qtyLots: 2 });
    engine.replace(A, { kind: 'replace', requestId: 12, orderId: 1, priceTicks: 100, qtyLots: 4 });
    engine.replace(A, { kind: 'replace', requestId: 13, orderId: 9, priceTicks: 100, qtyLots: 4 });
    assert.deepEqual(take(), [
      { owner: A, kind: 'reject', requestId: 11, orderId: 1, reason: 'INVALID_REPLACE' },
      { owner: A, kind: 'replaced', requestId: 12, orderId: 1, priceTicks: 100, qtyLots: 4, leavesLots: 2 },
      { owner: A, kind: 'reject', requestId: 13, orderId: 9, reason: 'UNKNOWN_ORDER' },
    ]);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 2, orderIds: [1] }]);
  });

  it('a replace that crosses trades at once, after the Replaced', () => {
    limit(A, 1, Side.BUY, 100, 5);
    limit(B, 2, Side.SELL, 102, 3);
    take();
    engine.replace(A, { kind: 'replace', requestId: 11, orderId: 1, priceTicks: 102, qtyLots: 5 });
    assert.deepEqual(take(), [
      { owner: A, kind: 'replaced', requestId: 11, orderId: 1, priceTicks: 102, qtyLots: 5, leavesLots: 5 },
      { owner: A, kind: 'fill', orderId: 1, qtyLots: 3, priceTicks: 102, leavesLots: 2, tradeId: 1 },
      { owner: B, kind: 'fill', orderId: 2, qtyLots: 3, priceTicks: 102, leavesLots: 0, tradeId: 1 },
      { owner: 0, kind: 'refPrice', symbol: SYM, priceTicks: 102 },
    ]);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 102, totalLots: 2, orderIds: [1] }]);
    assert.deepEqual(depth(Side.SELL), []);
  });

  it('a replace making a post-only order cross is rejected and leaves it in place', () => {
    engine.newOrder(A, order(1, Side.BUY, 100, 5, { postOnly: true }));
    limit(B, 2, Side.SELL, 102, 3);
    take();
    engine.replace(A, { kind: 'replace', requestId: 11, orderId: 1, priceTicks: 102, qtyLots: 5 });
    assert.deepEqual(take(), [
      { owner: A, kind: 'reject', requestId: 11, orderId: 1, reason: 'POST_ONLY_WOULD_CROSS' },
    ]);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 5, orderIds: [1] }]);
  });

  it('mass cancel by account and optional symbol reports the count', () => {
    limit(A, 1, Side.BUY, 100, 1);
    limit(A, 2, Side.SELL, 110, 1);
    engine.newOrder(A, order(3, Side.BUY, 100, 1, { symbol: 'ETH-USD' }));
    engine.newOrder(A, order(4, Side.BUY, 100, 1, { account: 'ACC-OTHER' }));
    limit(B, 5, Side.BUY, 100, 1); // same account name, other connection
    take();
    engine.massCancel(A, { kind: 'massCancel', requestId: 20, account: 'ACC-A', symbol: SYM });
    assert.deepEqual(take(), [
      { owner: A, kind: 'canceled', requestId: 0, orderId: 1 },
      { owner: A, kind: 'canceled', requestId: 0, orderId: 2 },
      { owner: A, kind: 'massCancelDone', requestId: 20, count: 2 },
    ]);
    engine.massCancel(A, { kind: 'massCancel', requestId: 21, account: 'ACC-A', symbol: '' });
    assert.deepEqual(take().at(-1), { owner: A, kind: 'massCancelDone', requestId: 21, count: 1 });
    engine.massCancel(A, { kind: 'massCancel', requestId: 22, account: 'ACC-A', symbol: '' });
    assert.deepEqual(take(), [{ owner: A, kind: 'massCancelDone', requestId: 22, count: 0 }]);
    assert.equal(engine.openOrders(A), 1);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 2, orderIds: [4, 5] }]);
  });

  it('allows self-trade', () => {
    limit(A, 1, Side.SELL, 100, 1);
    limit(A, 2, Side.BUY, 100, 1);
    const fills = take().filter((e) => e.kind === 'fill');
    assert.equal(fills.length, 2);
    assert.ok(fills.every((e) => e.owner === A));
  });

  it('echoes heartbeats', () => {
    engine.handle(A, { kind: 'heartbeat', requestId: 5, timestampNs: 123n });
    assert.deepEqual(take(), [{ owner: A, kind: 'heartbeat', requestId: 5, timestampNs: 123n }]);
  });

  it('cancels a connection orders on disconnect, silently', () => {
    limit(A, 1, Side.BUY, 100, 1);
    limit(B, 2, Side.BUY, 100, 1);
    take();
    assert.equal(engine.disconnect(A), 1);
    assert.deepEqual(take(), []);
    assert.deepEqual(depth(Side.BUY), [{ priceTicks: 100, totalLots: 1, orderIds: [2] }]);
  });

  it('answers every request exactly once, whatever the sequence (randomized)', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const direct = new Set(['ack', 'reject', 'replaced', 'massCancelDone', 'heartbeat']);
    for (let requestId = 1; requestId <= 3000; requestId++) {
      const owner = 1 + rand(2);
      const choice = rand(10);
      if (choice < 6) {
        const tif = ([TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK, TimeInForce.DAY] as const)[rand(4)]!;
        engine.newOrder(owner, {
          ...order(requestId, rand(2) === 0 ? Side.BUY : Side.SELL, 95 + rand(10), 1 + rand(5)),
          tif,
          type: rand(8) === 0 ? OrderType.MARKET : OrderType.LIMIT,
          postOnly: rand(6) === 0,
        });
      } else if (choice < 8) {
        engine.cancel(owner, { kind: 'cancel', requestId, orderId: 1 + rand(requestId) });
      } else if (choice < 9) {
        const orderId = 1 + rand(requestId);
        engine.replace(owner, {
          kind: 'replace',
          requestId,
          orderId,
          priceTicks: 95 + rand(10),
          qtyLots: 1 + rand(6),
        });
      } else {
        engine.massCancel(owner, { kind: 'massCancel', requestId, account: 'ACC-A', symbol: '' });
      }
      const answers = take().filter(
        (e) => 'requestId' in e && e.requestId === requestId && (direct.has(e.kind) || e.kind === 'canceled'),
      );
      assert.equal(answers.length, 1, `request ${requestId}: ${JSON.stringify(answers)}`);
      assert.equal(answers[0]?.owner, owner);
    }
    // The book never stays crossed.
    const bid = depth(Side.BUY)[0]?.priceTicks ?? 0;
    const ask = depth(Side.SELL)[0]?.priceTicks ?? Number.POSITIVE_INFINITY;
    assert.ok(bid < ask, `crossed book ${bid} >= ${ask}`);
  });
});
