// Property: whatever the venue sends (the right answers, answers of the wrong kind
// or about another order, events about unknown orders, fills beyond an order's
// quantity or of no quantity, negative numbers, answers given twice, answers after
// the order finished), over a real link to the real router and registry, the risk
// counters stay what the orders and the fills told to clients say: the open-order
// count is the number of live orders, no counter goes negative, an order has open at
// most what it has not filled (a fill beyond that counts in full: the trade happened),
// its fills are those its client was told of, the position is their sum, and once
// every request is answered and every order has ended, nothing is left open.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { PASS } from '../../src/pipeline/reject-codes.ts';
import { Action, Side } from '../../src/pipeline/request.ts';
import type { OrderRecord } from '../../src/state/order-registry.ts';
import type { VenueEvent } from '../../src/venue/codec.ts';
import { defaultAnswer, type OrderFlowRequest } from './support/fake-venue.ts';
import { RecordingOwner } from './support/recording-owner.ts';
import { setupRouter } from './support/router-fixture.ts';
import { waitUntil } from './support/wait.ts';

const SEED = Number(process.env.PORTCULLIS_FC_SEED ?? 20261126);
const RUNS = Number(process.env.PORTCULLIS_FC_RUNS ?? 100);

const BTC = 0;
const ETH = 1;

/** A number the venue may say: a plausible one (picked at the time from the order), or one it never should. */
const amount = fc.oneof(
  { weight: 16, arbitrary: fc.constant('plausible' as const) },
  { weight: 4, arbitrary: fc.constantFrom(0, -1, -300, 1, 2, 999, 1_000, 1_001, 2 ** 31, 2 ** 53 - 1) },
  // Beyond what the firewall reads as a number: the link drops, and every order with it.
  { weight: 1, arbitrary: fc.constant(2 ** 62) },
);

type Step =
  | { kind: 'place'; side: 'buy' | 'sell'; qtyLots: number; priceTicks: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'replace'; pick: number; extraLots: number; priceTicks: number }
  | {
      kind: 'event';
      /** 'answer': the answer a well-behaved venue gives to the request. */
      event: 'answer' | 'ack' | 'reject' | 'fill' | 'canceled' | 'replaced' | 'massCancelDone';
      /** Which request it answers (of those received), or none (0). */
      request: number | null;
      /** Which order it names (of this run's), or a made-up id. */
      order: number | null;
      qty: number | 'plausible';
      leaves: number | 'plausible';
    };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      side: fc.constantFrom('buy' as const, 'sell' as const),
      qtyLots: fc.integer({ min: 1, max: 1_000 }),
      priceTicks: fc.integer({ min: 129_000, max: 131_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      pick: fc.nat(),
      extraLots: fc.integer({ min: -500, max: 500 }),
      priceTicks: fc.integer({ min: 129_000, max: 131_000 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      event: fc.constantFrom(
        'answer' as const,
        'answer' as const,
        'answer' as const,
        'ack' as const,
        'reject' as const,
        'fill' as const,
        'fill' as const,
        'canceled' as const,
        'replaced' as const,
        'massCancelDone' as const,
      ),
      request: fc.option(fc.nat(), { freq: 5 }),
      order: fc.option(fc.nat(), { freq: 8 }),
      qty: amount,
      leaves: amount,
    }),
  },
);

describe('order router fuzz: whatever the venue sends', () => {
  test('the risk counters always agree with the live orders and with the fills clients were told of', async (t) => {
    const { fx, venue, router, place, link } = await setupRouter(t, { timeoutMs: 600_000 });
    // The test answers every request itself.
    venue.decide = () => 'hold';
    let marker = 0;
    let linkDrops = 0;
    /** Requests the router has sent to the venue, over all runs. */
    let submitted = venue.requests.length;
    /** What the router told clients, over all runs (to see the run reached each outcome). */
    const toldKinds = new Set<string>();
    /** Fills told to clients, buys positive, over all runs. */
    let toldPosition = 0;
    let clOrdIds = 0;

    /**
     * Sends `events` and waits until the link has acted on them: a reference price sent after
     * them has landed. A number no venue may send drops the link (SPEC section 6: an undecodable
     * message); then the marker goes again once the link is back.
     */
    async function deliver(events: VenueEvent[]): Promise<void> {
      // Every request sent so far is at the venue first, so that none is in transit if the link drops.
      await venue.waitForRequests(submitted);
      marker++;
      const connections = venue.connections.length;
      const landed = () => fx.tables.referencePriceTicks(ETH) === marker;
      venue.send([...events, { kind: 'refPrice', symbol: 'ETH-PERP', priceTicks: marker }]);
      await waitUntil(() => landed() || venue.connections.length > connections, 'the venue events to land');
      if (landed()) return;
      linkDrops++;
      await waitUntil(() => link.isUp, 'the link to come back');
      venue.send([{ kind: 'refPrice', symbol: 'ETH-PERP', priceTicks: marker }]);
      await waitUntil(landed, 'the marker on the new connection');
    }

    function checkCounters(owner: RecordingOwner, shown: () => string): void {
      const live = fx.orders.liveOrders(0);
      assert.equal(fx.tables.openOrderCount(0), live.length, `open orders ${shown()}`);
      assert.ok(fx.tables.openBuyLots(0, BTC) >= 0, `open buy lots ${shown()}`);
      assert.ok(fx.tables.openSellLots(0, BTC) >= 0, `open sell lots ${shown()}`);
      let liveBuy = 0;
      let liveSell = 0;
      for (const order of live) {
        assert.ok(order.leavesLots >= 0 && order.filledLots >= 0, `order ${order.clOrdId} ${shown()}`);
        // A fill beyond what was open counts in full (the trade happened) and leaves nothing open.
        assert.ok(
          order.filledLots + order.leavesLots <= order.qtyLots || order.leavesLots === 0,
          `order ${order.clOrdId} ${shown()}`,
        );
        if (order.side === Side.BUY) liveBuy += order.leavesLots;
        else liveSell += order.leavesLots;
      }
      // What replaces in flight hold may come on top; never less than what is live.
      assert.ok(fx.tables.openBuyLots(0, BTC) >= liveBuy, `open buy lots under the live orders' ${shown()}`);
      assert.ok(
        fx.tables.openSellLots(0, BTC) >= liveSell,
        `open sell lots under the live orders' ${shown()}`,
      );
      let told = toldPosition;
      for (const call of owner.of('filled'))
        told += call.order.side === Side.BUY ? call.qtyLots : -call.qtyLots;
      assert.equal(fx.tables.positionLots(0, BTC), told, `position against the fills told ${shown()}`);
      for (const order of new Set(owner.of('filled').map((c) => c.order))) {
        const sum = owner
          .of('filled')
          .filter((c) => c.order === order)
          .reduce((s, c) => s + c.qtyLots, 0);
        assert.equal(order.filledLots, sum, `fills of ${order.clOrdId} against those told ${shown()}`);
      }
    }

    /** A plausible or a given number. */
    const numberOf = (value: number | 'plausible', plausible: number) =>
      value === 'plausible' ? plausible : value;

    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 24 }), async (steps) => {
        const owner = new RecordingOwner();
        const mine: OrderRecord[] = [];
        const requestsBefore = venue.requests.length;
        const log: string[] = [];
        const shown = () => `after ${log.join(' ')}`;
        for (const s of steps) {
          const requests = venue.requests.slice(requestsBefore).map((r) => r.message);
          if (s.kind === 'place') {
            const record = place(owner, {
              clOrdId: `fz${clOrdIds++}`,
              side: s.side === 'buy' ? Side.BUY : Side.SELL,
              qtyLots: s.qtyLots,
              priceTicks: s.priceTicks,
            });
            mine.push(record);
            submitted++;
            log.push(`place ${s.side} ${s.qtyLots};`);
          } else if (s.kind === 'cancel' || s.kind === 'replace') {
            const live = mine.filter((o) => o.live);
            if (live.length === 0) continue;
            const target = live[s.pick % live.length]!;
            if (s.kind === 'cancel') {
              const cancel = fx.newOrder({ action: Action.CANCEL, clOrdId: `cx${clOrdIds++}`, target });
              assert.equal(router.submitCancel(cancel, owner), PASS);
              submitted++;
              log.push(`cancel ${target.clOrdId};`);
            } else {
              // As the pre-trade stage allows: more than what has filled.
              const qtyLots = Math.max(target.filledLots + 1, target.qtyLots + s.extraLots);
              const replace = fx.newOrder({
                action: Action.REPLACE,
                clOrdId: `rp${clOrdIds++}`,
                target,
                side: target.side,
                qtyLots,
                priceTicks: s.priceTicks,
              });
              assert.equal(router.submitReplace(replace, owner), PASS);
              submitted++;
              log.push(`replace ${target.clOrdId} to ${qtyLots};`);
            }
          } else {
            const request: OrderFlowRequest | undefined =
              s.request === null || requests.length === 0 ? undefined : requests[s.request % requests.length];
            const order =
              s.order === null
                ? undefined
                : mine.length === 0 || s.order % 5 === 4
                  ? undefined
                  : mine[s.order % mine.length];
            const requestId = request?.requestId ?? 0;
            const orderId =
              order?.orderId ??
              (request && 'orderId' in request ? request.orderId : 900_000_000 + (s.order ?? 0));
            const leaves = order?.leavesLots ?? 0;
            let event: VenueEvent;
            switch (s.event) {
              case 'answer': {
                // Of the last three requests: most get their answer while their order is still live.
                if (s.request === null || requests.length === 0) continue;
                const recent = requests.slice(-3);
                event = defaultAnswer(recent[s.request % recent.length]!)[0]!;
                break;
              }
              case 'ack':
                event = { kind: 'ack', requestId, orderId };
                break;
              case 'reject':
                event = { kind: 'reject', requestId, orderId, reason: 'FUZZ' };
                break;
              case 'fill': {
                const qty = numberOf(s.qty, Math.max(1, Math.ceil(leaves / 2)));
                event = {
                  kind: 'fill',
                  orderId,
                  qtyLots: qty,
                  priceTicks: order?.priceTicks ?? 130_000,
                  leavesLots: numberOf(s.leaves, Math.max(0, leaves - qty)),
                  tradeId: marker,
                };
                break;
              }
              case 'canceled':
                event = { kind: 'canceled', requestId, orderId };
                break;
              case 'replaced': {
                const qty = numberOf(
                  s.qty,
                  request?.kind === 'replace' ? request.qtyLots : (order?.qtyLots ?? 1),
                );
                event = {
                  kind: 'replaced',
                  requestId,
                  orderId,
                  priceTicks: request?.kind === 'replace' ? request.priceTicks : 130_000,
                  qtyLots: qty,
                  leavesLots: numberOf(s.leaves, Math.max(0, qty - (order?.filledLots ?? 0))),
                };
                break;
              }
              case 'massCancelDone':
                event = { kind: 'massCancelDone', requestId, count: numberOf(s.qty, 0) };
                break;
            }
            await deliver([event]);
            log.push(`${JSON.stringify(event)};`);
          }
          checkCounters(owner, shown);
        }

        // The end: every request still unanswered is rejected, then the venue cancels every
        // order still live. Nothing may be left open.
        await venue.waitForRequests(submitted);
        const unanswered = venue.requests.slice(requestsBefore).map((r) => r.message);
        await deliver(
          unanswered.map(
            (r): VenueEvent => ({
              kind: 'reject',
              requestId: r.requestId,
              orderId: 'orderId' in r ? r.orderId : 0,
              reason: 'END',
            }),
          ),
        );
        await deliver(
          fx.orders
            .liveOrders(0)
            .map((o): VenueEvent => ({ kind: 'canceled', requestId: 0, orderId: o.orderId })),
        );
        log.push('end;');
        checkCounters(owner, shown);
        assert.equal(fx.orders.liveOrders(0).length, 0, shown());
        assert.equal(fx.tables.openOrderCount(0), 0, shown());
        assert.equal(fx.tables.openBuyLots(0, BTC), 0, `open buy lots left ${shown()}`);
        assert.equal(fx.tables.openSellLots(0, BTC), 0, `open sell lots left ${shown()}`);
        for (const call of owner.of('filled'))
          toldPosition += call.order.side === Side.BUY ? call.qtyLots : -call.qtyLots;
        for (const kind of owner.kinds()) toldKinds.add(kind);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    assert.ok(linkDrops > 0, 'no run dropped the link');
    for (const kind of ['accepted', 'rejected', 'filled', 'canceled', 'replaced', 'cancelRejected']) {
      assert.ok(toldKinds.has(kind), `no ${kind} told in ${[...toldKinds].join(', ')}`);
    }
  });
});
