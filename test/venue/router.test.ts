// The order router between a real order registry and a real venue link, over
// TCP to a controllable fake venue: each venue answer must land in the
// registry's counters and reach the right owner (SPEC section 6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PASS, RejectCode } from '../../src/pipeline/reject-codes.ts';
import { Action, Side, TimeInForce } from '../../src/pipeline/request.ts';
import type { PendingRequest } from '../../src/routing/order-owner.ts';
import { KillSwitch } from '../../src/state/kill-switch.ts';
import { OrderStatus } from '../../src/state/order-registry.ts';
import type { NewOrderMessage, VenueEvent } from '../../src/venue/codec.ts';
import { defaultAnswer, type OrderFlowRequest } from './support/fake-venue.ts';
import { RecordingOwner } from './support/recording-owner.ts';
import { setupRouter as setup } from './support/router-fixture.ts';
import { sleep, waitUntil } from './support/wait.ts';

/** The fields of a pending request these tests check (it may carry more, e.g. for FIX). */
function pendingFields(request: PendingRequest) {
  const { owner, clOrdId, order, origClOrdId, priceTicks, qtyLots, symbol } = request;
  return { owner, clOrdId, order, origClOrdId, priceTicks, qtyLots, symbol };
}

function fill(
  orderId: number,
  qtyLots: number,
  priceTicks: number,
  leavesLots: number,
  tradeId = 1,
): VenueEvent {
  return { kind: 'fill', orderId, qtyLots, priceTicks, leavesLots, tradeId };
}

describe('order router: new orders', () => {
  test('a forwarded order counts as open at once, and the venue ack makes it accepted', async (t) => {
    const { fx, venue, router, place, counters } = await setup(t);
    const owner = new RecordingOwner();
    venue.decide = () => 'hold';
    const record = place(owner, { clOrdId: 'buy-1' });
    assert.equal(record.status, OrderStatus.PENDING_NEW);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 1000, openSell: 0, position: 0 });
    await venue.waitForRequests(1);
    assert.deepEqual(venue.received('newOrder')[0], {
      kind: 'newOrder',
      requestId: record.orderId,
      orderId: record.orderId,
      account: 'MM1',
      symbol: 'BTC-PERP',
      side: Side.BUY,
      type: record.type,
      tif: TimeInForce.GTC,
      postOnly: false,
      priceTicks: 130_000,
      qtyLots: 1000,
    });
    assert.deepEqual(owner.calls, []);

    venue.release();
    await waitUntil(() => owner.calls.length === 1, 'the owner to hear of the ack');
    assert.deepEqual(owner.calls, [{ kind: 'accepted', order: record }]);
    assert.equal(record.status, OrderStatus.NEW);
    assert.equal(fx.orders.findLive(0, 'buy-1'), record);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 1000, openSell: 0, position: 0 });
    assert.equal(router.stats.forwarded, 1);
  });

  test('a venue reject ends the order rejected with VENUE_REJECT and frees its counters', async (t) => {
    const { fx, venue, router, place, counters } = await setup(t);
    const owner = new RecordingOwner();
    venue.answerFor = (r) =>
      r.kind === 'newOrder'
        ? [{ kind: 'reject', requestId: r.requestId, orderId: r.orderId, reason: 'POST_ONLY_WOULD_CROSS' }]
        : defaultAnswer(r);
    const record = place(owner, { clOrdId: 'sell-1', side: Side.SELL, postOnly: true });
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 0, openSell: 1000, position: 0 });
    await waitUntil(() => owner.calls.length === 1, 'the reject');
    assert.deepEqual(owner.calls, [
      { kind: 'rejected', order: record, code: RejectCode.VENUE_REJECT, text: 'POST_ONLY_WOULD_CROSS' },
    ]);
    assert.equal(record.status, OrderStatus.REJECTED);
    assert.equal(fx.orders.findLive(0, 'sell-1'), undefined);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 0 });
    assert.equal(router.stats.venueRejects, 1);
  });

  test('fills update the order, open quantity, position and the reference price', async (t) => {
    const { fx, venue, router, placeAcked, counters } = await setup(t);
    const owner = new RecordingOwner();
    const buy = await placeAcked(owner, { clOrdId: 'buy-1' });
    venue.send([fill(buy.orderId, 400, 130_100, 600, 7)]);
    await waitUntil(() => owner.of('filled').length === 1, 'the first fill');
    assert.deepEqual(owner.of('filled')[0], {
      kind: 'filled',
      order: buy,
      qtyLots: 400,
      priceTicks: 130_100,
      tradeId: 7,
    });
    assert.equal(buy.status, OrderStatus.PARTIALLY_FILLED);
    assert.equal(buy.filledLots, 400);
    assert.equal(buy.leavesLots, 600);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 600, openSell: 0, position: 400 });
    assert.equal(fx.tables.referencePriceTicks(0), 130_100);

    venue.send([fill(buy.orderId, 600, 130_200, 0, 8)]);
    await waitUntil(() => owner.of('filled').length === 2, 'the last fill');
    assert.equal(buy.status, OrderStatus.FILLED);
    assert.equal(buy.averagePriceTicks, (400 * 130_100 + 600 * 130_200) / 1000);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 1000 });
    assert.equal(fx.tables.referencePriceTicks(0), 130_200);

    const sell = await placeAcked(owner, { clOrdId: 'sell-1', side: Side.SELL, qtyLots: 300 });
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 0, openSell: 300, position: 1000 });
    venue.send([fill(sell.orderId, 300, 129_900, 0, 9)]);
    await waitUntil(() => owner.of('filled').length === 3, 'the sell fill');
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 700 });
    assert.equal(fx.tables.referencePriceTicks(0), 129_900);
    assert.equal(router.stats.fills, 3);

    // Reference prices by symbol; an unknown symbol or order changes nothing.
    venue.send([
      { kind: 'refPrice', symbol: 'ETH-PERP', priceTicks: 7_000 },
      { kind: 'refPrice', symbol: 'DOGE-PERP', priceTicks: 1 },
      fill(999_999, 5, 1, 0, 10),
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 131_000 },
    ]);
    await waitUntil(() => fx.tables.referencePriceTicks(0) === 131_000, 'the BTC reference price');
    assert.equal(fx.tables.referencePriceTicks(1), 7_000);
    assert.equal(fx.tables.referencePriceTicks(2), 0);
    assert.equal(owner.calls.length, 5, 'no call for an unknown order');
    assert.equal(router.stats.fills, 3);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 700 });
  });

  test("the venue's leaves never move the open quantity: the firewall's own count stands, and a disagreement is logged", async (t) => {
    const { venue, placeAcked, counters, logged } = await setup(t);
    const owner = new RecordingOwner();
    const buy = await placeAcked(owner, { clOrdId: 'buy-1' });
    // 100 of 1,000 filled, and the venue claims 5,000 remain: 900 remain.
    venue.send([fill(buy.orderId, 100, 130_000, 5_000, 1)]);
    await waitUntil(() => owner.of('filled').length === 1, 'the fill');
    assert.equal(buy.leavesLots, 900);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 900, openSell: 0, position: 100 });
    // 100 more, and the venue claims nothing remains: 800 remain, the order is live.
    venue.send([fill(buy.orderId, 100, 130_000, 0, 2)]);
    await waitUntil(() => owner.of('filled').length === 2, 'the second fill');
    assert.equal(buy.status, OrderStatus.PARTIALLY_FILLED);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 800, openSell: 0, position: 200 });
    assert.equal(
      logged.filter((l) => l === 'error venue leaves disagree with the firewall; its own count stands')
        .length,
      2,
    );
    // A fill past what is open counts in full (the trade happened) and ends the order.
    venue.send([fill(buy.orderId, 1_500, 130_000, 0, 3)]);
    await waitUntil(() => owner.of('filled').length === 3, 'the overfill');
    assert.equal(buy.status, OrderStatus.FILLED);
    assert.equal(buy.filledLots, 1_700);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 1_700 });
    assert.ok(logged.includes('error venue filled more than the order had open; the fill counts in full'));
    // A fill of no live order is not counted, and said so; nor a reference price for no market.
    venue.send([fill(999_999, 5, 1, 0, 4), { kind: 'refPrice', symbol: 'DOGE-PERP', priceTicks: 1 }]);
    await waitUntil(() => logged.length === 5, 'the two log lines');
    assert.deepEqual(logged.slice(3), [
      'error venue filled an order that is not live here; not counted',
      'warn venue sent a reference price for an unknown market; ignored',
    ]);
    assert.equal(counters().position, 1_700);
  });

  test('a fill no order of the market can have (its report could not be written) is not counted', async (t) => {
    const { venue, placeAcked, counters, logged } = await setup(t);
    const owner = new RecordingOwner();
    const buy = await placeAcked(owner, { clOrdId: 'buy-huge' });
    venue.send([fill(buy.orderId, 1, 2 ** 52, 999, 1), fill(buy.orderId, 1, 130_000, 999, 2)]);
    await waitUntil(() => owner.of('filled').length === 1, 'the good fill');
    assert.equal(owner.of('filled')[0]!.priceTicks, 130_000);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 999, openSell: 0, position: 1 });
    assert.ok(logged.includes('error venue sent a fill no order of its market can have; not counted'));
  });

  test('a cancel the venue answers after the order finished still gets its one outcome', async (t) => {
    const { fx, venue, router, placeAcked } = await setup(t);
    const owner = new RecordingOwner();
    const buy = await placeAcked(owner, { clOrdId: 'buy-late' });
    venue.decide = () => 'hold';
    const requestOwner = new RecordingOwner();
    const cancel = fx.newOrder({ action: Action.CANCEL, clOrdId: 'buy-late-c', target: buy });
    assert.equal(router.submitCancel(cancel, requestOwner), PASS);
    await venue.waitForRequests(2);
    // The order fills in full; then the venue answers the cancel (as a double cancel would be).
    venue.send([fill(buy.orderId, 1000, 130_000, 0, 1)]);
    await waitUntil(() => buy.status === OrderStatus.FILLED, 'the fill');
    venue.release();
    await waitUntil(() => requestOwner.calls.length === 1, 'the cancel outcome');
    const outcome = requestOwner.calls[0]!;
    assert.ok(outcome.kind === 'cancelRejected', requestOwner.kinds().join());
    assert.equal(outcome.code, RejectCode.UNKNOWN_ORDER);
  });

  test('an unsolicited cancel (requestId 0) ends the order canceled: an IOC remainder', async (t) => {
    const { venue, place, counters } = await setup(t);
    const owner = new RecordingOwner();
    venue.answerFor = (r) =>
      r.kind === 'newOrder'
        ? [
            { kind: 'ack', requestId: r.requestId, orderId: r.orderId },
            fill(r.orderId, 400, 130_000, 600),
            { kind: 'canceled', requestId: 0, orderId: r.orderId },
          ]
        : defaultAnswer(r);
    const record = place(owner, { clOrdId: 'ioc-1', tif: TimeInForce.IOC });
    await waitUntil(() => owner.calls.length === 3, 'ack, fill and cancel');
    assert.deepEqual(owner.kinds(), ['accepted', 'filled', 'canceled']);
    assert.deepEqual(owner.of('canceled')[0], { kind: 'canceled', order: record, request: null });
    assert.equal(record.status, OrderStatus.CANCELED);
    assert.equal(record.leavesLots, 0);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 400 });
  });

  test('events for an order that already finished change nothing and reach no owner', async (t) => {
    const { venue, router, place, counters } = await setup(t);
    const owner = new RecordingOwner();
    venue.answerFor = (r) =>
      r.kind === 'newOrder'
        ? [
            { kind: 'ack', requestId: r.requestId, orderId: r.orderId },
            fill(r.orderId, 1000, 130_000, 0),
            // Duplicates after the full fill: another fill and a cancel.
            fill(r.orderId, 1000, 130_000, 0, 2),
            { kind: 'canceled', requestId: 0, orderId: r.orderId },
          ]
        : defaultAnswer(r);
    const record = place(owner, { clOrdId: 'dup-1' });
    await waitUntil(() => owner.calls.length >= 2, 'ack and fill');
    await sleep(50);
    assert.deepEqual(owner.kinds(), ['accepted', 'filled']);
    assert.equal(record.status, OrderStatus.FILLED);
    assert.equal(record.filledLots, 1000);
    assert.equal(router.stats.fills, 1);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 1000 });
  });

  test('a refused send (venue not reading, queue full) is VENUE_UNAVAILABLE and leaves no open order', async (t) => {
    const { fx, venue, router, link, counters } = await setup(t, {
      maxQueuedBytes: 16 * 1024,
      heartbeatMs: 60_000,
    });
    venue.current!.pauseReading();
    let accepted = 0;
    let verdict: number = PASS;
    for (let i = 0; i < 400_000 && verdict === PASS; i++) {
      verdict = router.submitNewOrder(fx.newOrder({ qtyLots: 1 }), null);
      if (verdict === PASS) accepted++;
      if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(verdict, RejectCode.VENUE_UNAVAILABLE);
    assert.equal(link.stats.refusedQueueFull, 1);
    assert.equal(router.stats.forwarded, accepted);
    assert.deepEqual(counters(), { openOrders: accepted, openBuy: accepted, openSell: 0, position: 0 });
  });
});

describe('order router: cancel, replace and mass cancel', () => {
  test("the venue's answers reach the owner of the pending request", async (t) => {
    const { fx, venue, router, placeAcked, counters } = await setup(t);
    const orderOwner = new RecordingOwner();
    const requestOwner = new RecordingOwner();
    const a = await placeAcked(orderOwner, { clOrdId: 'a-1' });
    const b = await placeAcked(orderOwner, { clOrdId: 'b-1', qtyLots: 200 });
    assert.deepEqual(counters(), { openOrders: 2, openBuy: 1200, openSell: 0, position: 0 });

    // Replace a: new price and quantity under a new clOrdId.
    const replace = fx.newOrder({
      action: Action.REPLACE,
      clOrdId: 'a-2',
      target: a,
      priceTicks: 130_500,
      qtyLots: 1500,
    });
    assert.equal(router.submitReplace(replace, requestOwner), PASS);
    await waitUntil(() => requestOwner.calls.length === 1, 'the replace answer');
    const replaced = requestOwner.of('replaced')[0];
    assert.ok(replaced, `got ${requestOwner.kinds()}`);
    assert.equal(replaced.order, a);
    assert.deepEqual(pendingFields(replaced.request), {
      owner: requestOwner,
      clOrdId: 'a-2',
      order: a,
      origClOrdId: 'a-1',
      priceTicks: 130_500,
      qtyLots: 1500,
      symbol: '',
    });
    assert.deepEqual(venue.received('replace')[0], {
      kind: 'replace',
      requestId: venue.received('replace')[0]!.requestId,
      orderId: a.orderId,
      priceTicks: 130_500,
      qtyLots: 1500,
    });
    assert.equal(a.clOrdId, 'a-2');
    assert.equal(a.priceTicks, 130_500);
    assert.equal(fx.orders.findLive(0, 'a-2'), a);
    assert.equal(fx.orders.findLive(0, 'a-1'), undefined);
    assert.deepEqual(counters(), { openOrders: 2, openBuy: 1700, openSell: 0, position: 0 });

    // Cancel a.
    const cancel = fx.newOrder({ action: Action.CANCEL, clOrdId: 'a-3', target: a });
    assert.equal(router.submitCancel(cancel, requestOwner), PASS);
    await waitUntil(() => requestOwner.calls.length === 2, 'the cancel answer');
    const canceled = requestOwner.of('canceled')[0];
    assert.ok(canceled);
    assert.equal(canceled.order, a);
    assert.equal(canceled.request?.clOrdId, 'a-3');
    assert.equal(canceled.request?.origClOrdId, 'a-2');
    assert.equal(a.status, OrderStatus.CANCELED);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 200, openSell: 0, position: 0 });

    // Cancels the venue refuses.
    for (const [reason, code, text] of [
      [
        'UNKNOWN_ORDER',
        RejectCode.UNKNOWN_ORDER,
        'the venue no longer has the order (it finished meanwhile)',
      ],
      ['TOO_LATE', RejectCode.VENUE_REJECT, 'TOO_LATE'],
    ] as const) {
      venue.answerFor = (r) =>
        r.kind === 'cancel' ? [{ kind: 'reject', requestId: r.requestId, orderId: r.orderId, reason }] : [];
      const before = requestOwner.calls.length;
      const refused = fx.newOrder({ action: Action.CANCEL, clOrdId: `b-x-${reason}`, target: b });
      assert.equal(router.submitCancel(refused, requestOwner), PASS);
      await waitUntil(() => requestOwner.calls.length === before + 1, `the ${reason} cancel reject`);
      const rejected = requestOwner.calls.at(-1);
      assert.ok(rejected?.kind === 'cancelRejected', `got ${requestOwner.kinds()}`);
      assert.equal(rejected.code, code);
      assert.equal(rejected.text, text);
      assert.deepEqual(pendingFields(rejected.request), {
        owner: requestOwner,
        clOrdId: `b-x-${reason}`,
        order: b,
        origClOrdId: 'b-1',
        priceTicks: 0,
        qtyLots: 0,
        symbol: '',
      });
    }
    assert.equal(b.status, OrderStatus.NEW);

    // Mass cancel of one market: the venue cancels b (requestId 0), then reports the count.
    venue.answerFor = (r) =>
      r.kind === 'massCancel'
        ? [
            { kind: 'canceled', requestId: 0, orderId: b.orderId },
            { kind: 'massCancelDone', requestId: r.requestId, count: 1 },
          ]
        : defaultAnswer(r);
    const mass = fx.newOrder({ action: Action.MASS_CANCEL, clOrdId: 'm-1' });
    assert.equal(router.submitMassCancel(mass, requestOwner), PASS);
    await waitUntil(() => requestOwner.of('massCanceled').length === 1, 'the mass cancel answer');
    assert.deepEqual(venue.received('massCancel')[0], {
      kind: 'massCancel',
      requestId: venue.received('massCancel')[0]!.requestId,
      account: 'MM1',
      symbol: 'BTC-PERP',
    });
    assert.equal(requestOwner.of('massCanceled')[0]!.count, 1);
    assert.equal(requestOwner.of('massCanceled')[0]!.request.clOrdId, 'm-1');
    assert.deepEqual(orderOwner.of('canceled'), [{ kind: 'canceled', order: b, request: null }]);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 0 });

    // Without a market, a mass cancel covers every market of the account.
    const all = fx.newOrder({ action: Action.MASS_CANCEL, clOrdId: 'm-2', market: null, symbol: '' });
    assert.equal(router.submitMassCancel(all, requestOwner), PASS);
    await waitUntil(() => requestOwner.of('massCanceled').length === 2, 'the second mass cancel answer');
    assert.equal(venue.received('massCancel')[1]!.symbol, '');
  });
});

describe('order router: timeouts', () => {
  test('a timeout tells the owner; the late ack still makes the order accepted and live', async (t) => {
    const { fx, venue, router, place, counters } = await setup(t, { timeoutMs: 100 });
    const owner = new RecordingOwner();
    venue.decide = () => 'hold';
    const record = place(owner, { clOrdId: 'slow-1' });
    await waitUntil(() => owner.calls.length === 1, 'the timeout');
    assert.deepEqual(owner.calls, [{ kind: 'timedOut', order: record, request: null }]);
    assert.equal(record.status, OrderStatus.PENDING_NEW);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 1000, openSell: 0, position: 0 });

    venue.release();
    await waitUntil(() => owner.calls.length === 2, 'the late ack');
    assert.deepEqual(owner.calls[1], { kind: 'accepted', order: record });
    assert.equal(record.status, OrderStatus.NEW);
    assert.equal(fx.orders.findLive(0, 'slow-1'), record);
    assert.deepEqual(counters(), { openOrders: 1, openBuy: 1000, openSell: 0, position: 0 });

    // A cancel that times out, then lands.
    const requestOwner = new RecordingOwner();
    const cancel = fx.newOrder({ action: Action.CANCEL, clOrdId: 'slow-2', target: record });
    assert.equal(router.submitCancel(cancel, requestOwner), PASS);
    await waitUntil(() => requestOwner.calls.length === 1, 'the cancel timeout');
    const timedOut = requestOwner.of('timedOut')[0];
    assert.ok(timedOut, `got ${requestOwner.kinds()}`);
    assert.equal(timedOut.order, record);
    assert.equal(timedOut.request?.clOrdId, 'slow-2');
    assert.equal(record.status, OrderStatus.NEW, 'still live until the venue says otherwise');
    venue.release();
    await waitUntil(() => requestOwner.calls.length === 2, 'the late cancel');
    assert.equal(requestOwner.calls[1]!.kind, 'canceled');
    assert.equal(record.status, OrderStatus.CANCELED);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 0 });

    // A late reject frees the counters too.
    venue.answerFor = (r) =>
      r.kind === 'newOrder'
        ? [{ kind: 'reject', requestId: r.requestId, orderId: r.orderId, reason: 'LATE' }]
        : [];
    const late = place(owner, { clOrdId: 'slow-3' });
    await waitUntil(() => owner.calls.length === 3, 'the second timeout');
    venue.release();
    await waitUntil(() => owner.calls.length === 4, 'the late reject');
    assert.deepEqual(owner.calls.slice(2), [
      { kind: 'timedOut', order: late, request: null },
      { kind: 'rejected', order: late, code: RejectCode.VENUE_REJECT, text: 'LATE' },
    ]);
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: 0 });
  });
});

describe('order router: link loss', () => {
  test('in-flight new orders end VENUE_UNAVAILABLE, live orders canceled, every counter back to 0', async (t) => {
    const { fx, mm2, venue, router, link, place, placeAcked, counters } = await setup(t);
    const owner = new RecordingOwner();
    const inFlightOwner = new RecordingOwner();
    const requestOwner = new RecordingOwner();
    const live = await placeAcked(owner, { clOrdId: 'live-1' });
    const partial = await placeAcked(owner, { clOrdId: 'partial-1', side: Side.SELL, qtyLots: 500 });
    const other = await placeAcked(owner, {
      clOrdId: 'other-1',
      account: mm2,
      market: fx.eth,
      symbol: 'ETH-PERP',
    });
    venue.send([fill(partial.orderId, 200, 130_000, 300)]);
    await waitUntil(() => owner.of('filled').length === 1, 'the partial fill');

    venue.decide = () => 'hold';
    const pending = [
      place(inFlightOwner, { clOrdId: 'pending-1' }),
      place(inFlightOwner, { clOrdId: 'pending-2', side: Side.SELL }),
    ];
    assert.equal(
      router.submitCancel(fx.newOrder({ action: Action.CANCEL, clOrdId: 'x-1', target: live }), requestOwner),
      PASS,
    );
    assert.equal(
      router.submitMassCancel(fx.newOrder({ action: Action.MASS_CANCEL, clOrdId: 'm-1' }), requestOwner),
      PASS,
    );
    await venue.waitForRequests(3 + 4);
    assert.deepEqual(counters(), { openOrders: 4, openBuy: 2000, openSell: 1300, position: -200 });
    assert.equal(counters(1, 1).openOrders, 1);

    venue.killConnections();
    await waitUntil(() => !link.isUp, 'the link to go down');
    await waitUntil(() => inFlightOwner.calls.length === 2, 'the in-flight orders to be rejected');
    for (const [i, call] of inFlightOwner.calls.entries()) {
      assert.equal(call.kind, 'rejected');
      assert.equal(call.kind === 'rejected' && call.order, pending[i]);
      assert.equal(call.kind === 'rejected' && call.code, RejectCode.VENUE_UNAVAILABLE);
    }
    assert.ok(pending.every((r) => r.status === OrderStatus.REJECTED));
    assert.deepEqual(
      owner.of('canceled').map((c) => [c.order.clOrdId, c.request]),
      [
        ['live-1', null],
        ['partial-1', null],
        ['other-1', null],
      ],
    );
    assert.ok([live, partial, other].every((r) => r.status === OrderStatus.CANCELED));
    assert.deepEqual(requestOwner.kinds(), ['cancelRejected', 'massCancelRejected']);
    assert.ok(
      requestOwner.calls.every(
        (c) =>
          (c.kind === 'cancelRejected' || c.kind === 'massCancelRejected') &&
          c.code === RejectCode.VENUE_UNAVAILABLE,
      ),
    );
    assert.deepEqual(counters(), { openOrders: 0, openBuy: 0, openSell: 0, position: -200 });
    assert.deepEqual(counters(1, 1), { openOrders: 0, openBuy: 0, openSell: 0, position: 0 });
    assert.deepEqual(fx.orders.allLiveOrders(), []);
    assert.deepEqual(router.accountsWithLiveOrders(), []);
    assert.equal(router.stats.lostOnLinkDown, 3);

    // While down: refused at once, nothing registered.
    const refused = fx.newOrder({ clOrdId: 'while-down' });
    assert.equal(router.submitNewOrder(refused, owner), RejectCode.VENUE_UNAVAILABLE);
    assert.equal(fx.orders.isClOrdIdTaken(0, 'while-down', Date.now()), false);
    assert.equal(counters().openOrders, 0);
    assert.equal(
      router.submitCancel(fx.newOrder({ action: Action.CANCEL, clOrdId: 'x-2', target: live }), requestOwner),
      RejectCode.VENUE_UNAVAILABLE,
    );

    // Back up: orders flow again.
    venue.decide = () => 'answer';
    await waitUntil(() => link.isUp, 'the link to come back');
    const again = await placeAcked(owner, { clOrdId: 'while-down' });
    assert.equal(again.status, OrderStatus.NEW);
    assert.equal(counters().openOrders, 1);
  });
});

describe('order router: kill switch', () => {
  test("an account kill switch sends one mass cancel for the account and the venue's cancels clear it", async (t) => {
    const { fx, mm2, venue, router, placeAcked, counters } = await setup(t);
    // A venue that remembers resting orders, so mass cancels cancel what is there.
    const resting = new Map<number, NewOrderMessage>();
    venue.answerFor = (r: OrderFlowRequest): VenueEvent[] => {
      if (r.kind === 'newOrder') resting.set(r.orderId, r);
      if (r.kind !== 'massCancel') return defaultAnswer(r);
      const events: VenueEvent[] = [];
      for (const order of resting.values()) {
        if (order.account !== r.account || (r.symbol !== '' && order.symbol !== r.symbol)) continue;
        resting.delete(order.orderId);
        events.push({ kind: 'canceled', requestId: 0, orderId: order.orderId });
      }
      return [...events, { kind: 'massCancelDone', requestId: r.requestId, count: events.length }];
    };
    const owner = new RecordingOwner();
    const kill = new KillSwitch(fx.tables, router);
    assert.equal(kill.set({ scope: 'account', accountIndex: 0 }), 0, 'nothing live: nothing sent');
    assert.equal(venue.received('massCancel').length, 0);
    kill.clear({ scope: 'account', accountIndex: 0 });

    const btc = await placeAcked(owner, { clOrdId: 'k-1' });
    const eth = await placeAcked(owner, { clOrdId: 'k-2', market: fx.eth, symbol: 'ETH-PERP' });
    const mm2Order = await placeAcked(owner, { clOrdId: 'k-3', account: mm2 });

    assert.equal(kill.set({ scope: 'account', accountIndex: 0 }), 2);
    assert.equal(fx.tables.accountKilled(0), true);
    await waitUntil(
      () => btc.status === OrderStatus.CANCELED && eth.status === OrderStatus.CANCELED,
      'the cancels',
    );
    assert.deepEqual(
      venue.received('massCancel').map((m) => [m.account, m.symbol]),
      [['MM1', '']],
    );
    assert.deepEqual(
      owner.of('canceled').map((c) => [c.order, c.request]),
      [
        [btc, null],
        [eth, null],
      ],
    );
    assert.equal(counters(0, 0).openOrders, 0);
    assert.equal(counters(0, 1).openBuy, 0);
    assert.equal(mm2Order.status, OrderStatus.NEW, "another account's order stays");
    assert.equal(counters(1, 0).openOrders, 1);

    // The global kill switch reaches every account that still has live orders.
    assert.equal(kill.set({ scope: 'global' }), 1);
    await waitUntil(() => mm2Order.status === OrderStatus.CANCELED, 'the MM2 cancel');
    assert.deepEqual(
      venue.received('massCancel').map((m) => [m.account, m.symbol]),
      [
        ['MM1', ''],
        ['MM2', ''],
      ],
    );
    assert.deepEqual(fx.orders.allLiveOrders(), []);
    await sleep(20);
    assert.equal(owner.of('canceled').length, 3);
  });
});
