// Property: the reference venue's matching engine gives, for any sequence of
// requests from two connections (new orders of every type, time in force and
// post-only, cancels, replaces up and down and across the book, mass cancels,
// duplicate ids, invalid values), exactly the events of a plain model written
// here from the rules in matching-engine.ts: a list of resting orders searched
// for the best price, then the oldest, on every match. The book is never left
// crossed, and each trade fills both sides at the maker's price.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OrderType, Side, type SideValue, TimeInForce } from '../../src/pipeline/request.ts';
import type { NewOrderMessage, ReplaceMessage, VenueRequest } from '../../src/venue/messages.ts';
import { MatchingEngine } from '../../src/venue/simulator/matching-engine.ts';
import { type Routed, recordingSink } from './support/recording-sink.ts';

interface ModelOrder {
  owner: number;
  orderId: number;
  account: string;
  symbol: string;
  side: SideValue;
  postOnly: boolean;
  priceTicks: number;
  qtyLots: number;
  filledLots: number;
  leavesLots: number;
  /** Time priority: lower is older. */
  seq: number;
}

/** The rules of matching-engine.ts, written the plain way: one list of resting orders. */
class ModelVenue {
  readonly events: Routed[] = [];
  /** Resting orders, in the order they first rested per connection (what a mass cancel walks). */
  private readonly resting: ModelOrder[] = [];
  private seq = 0;
  private tradeId = 0;

  handle(owner: number, m: VenueRequest): void {
    switch (m.kind) {
      case 'newOrder':
        this.newOrder(owner, m);
        return;
      case 'cancel': {
        const order = this.find(owner, m.orderId);
        if (order === undefined) {
          this.reject(owner, m.requestId, m.orderId, 'UNKNOWN_ORDER');
          return;
        }
        this.drop(order);
        this.events.push({ owner, kind: 'canceled', requestId: m.requestId, orderId: m.orderId });
        return;
      }
      case 'replace':
        this.replace(owner, m);
        return;
      case 'massCancel': {
        let count = 0;
        for (const order of this.resting.filter((o) => o.owner === owner)) {
          if (order.account !== m.account || (m.symbol !== '' && order.symbol !== m.symbol)) continue;
          this.drop(order);
          count++;
          this.events.push({ owner, kind: 'canceled', requestId: 0, orderId: order.orderId });
        }
        this.events.push({ owner, kind: 'massCancelDone', requestId: m.requestId, count });
        return;
      }
      default:
        return;
    }
  }

  /** Resting orders of these symbols (in the order they first rested). */
  restingOf(...symbols: string[]): readonly ModelOrder[] {
    return this.resting.filter((o) => symbols.includes(o.symbol));
  }

  private newOrder(owner: number, m: NewOrderMessage): void {
    const market = m.type === OrderType.MARKET;
    let reason: string | null = null;
    if (this.find(owner, m.orderId) !== undefined) reason = 'DUPLICATE_ORDER_ID';
    else if (m.symbol === '') reason = 'INVALID_ORDER';
    else if (m.qtyLots <= 0) reason = 'INVALID_QUANTITY';
    else if (market && m.postOnly) reason = 'INVALID_ORDER';
    else if (!market && m.priceTicks <= 0) reason = 'INVALID_PRICE';
    const limit = market
      ? m.side === Side.BUY
        ? Number.POSITIVE_INFINITY
        : Number.NEGATIVE_INFINITY
      : m.priceTicks;
    if (reason === null && m.postOnly && this.best(m.symbol, m.side, limit) !== undefined) {
      reason = 'POST_ONLY_WOULD_CROSS';
    }
    if (reason !== null) {
      this.reject(owner, m.requestId, m.orderId, reason);
      return;
    }
    this.events.push({ owner, kind: 'ack', requestId: m.requestId, orderId: m.orderId });
    if (m.tif === TimeInForce.FOK) {
      const available = this.resting
        .filter((o) => o.symbol === m.symbol && o.side !== m.side && crosses(m.side, o.priceTicks, limit))
        .reduce((sum, o) => sum + o.leavesLots, 0);
      if (available < m.qtyLots) {
        this.events.push({ owner, kind: 'canceled', requestId: 0, orderId: m.orderId });
        return;
      }
    }
    const order: ModelOrder = {
      owner,
      orderId: m.orderId,
      account: m.account,
      symbol: m.symbol,
      side: m.side,
      postOnly: m.postOnly,
      priceTicks: market ? 0 : m.priceTicks,
      qtyLots: m.qtyLots,
      filledLots: 0,
      leavesLots: m.qtyLots,
      seq: 0,
    };
    this.match(order, limit);
    if (order.leavesLots === 0) return;
    if (market || m.tif === TimeInForce.IOC || m.tif === TimeInForce.FOK) {
      this.events.push({ owner, kind: 'canceled', requestId: 0, orderId: m.orderId });
      return;
    }
    order.seq = ++this.seq;
    this.resting.push(order);
  }

  private replace(owner: number, m: ReplaceMessage): void {
    const order = this.find(owner, m.orderId);
    if (order === undefined) {
      this.reject(owner, m.requestId, m.orderId, 'UNKNOWN_ORDER');
      return;
    }
    if (m.qtyLots <= order.filledLots || m.priceTicks <= 0) {
      this.reject(owner, m.requestId, m.orderId, 'INVALID_REPLACE');
      return;
    }
    const priceChanged = m.priceTicks !== order.priceTicks;
    if (order.postOnly && priceChanged && this.best(order.symbol, order.side, m.priceTicks) !== undefined) {
      this.reject(owner, m.requestId, m.orderId, 'POST_ONLY_WOULD_CROSS');
      return;
    }
    const keepsPriority = !priceChanged && m.qtyLots <= order.qtyLots;
    order.priceTicks = m.priceTicks;
    order.qtyLots = m.qtyLots;
    order.leavesLots = m.qtyLots - order.filledLots;
    this.events.push({
      owner,
      kind: 'replaced',
      requestId: m.requestId,
      orderId: m.orderId,
      priceTicks: m.priceTicks,
      qtyLots: m.qtyLots,
      leavesLots: order.leavesLots,
    });
    if (keepsPriority) return;
    // To the back of the queue: matched anew, then resting with a new time.
    order.seq = Number.POSITIVE_INFINITY;
    this.match(order, order.priceTicks);
    if (order.leavesLots === 0) this.drop(order);
    else order.seq = ++this.seq;
  }

  /** The resting order of the other side a taker meets first: best price, then oldest. */
  private best(symbol: string, takerSide: SideValue, limit: number): ModelOrder | undefined {
    let best: ModelOrder | undefined;
    for (const o of this.resting) {
      if (o.symbol !== symbol || o.side === takerSide || !crosses(takerSide, o.priceTicks, limit)) continue;
      if (o.leavesLots === 0) continue;
      const better =
        best === undefined ||
        (takerSide === Side.BUY ? o.priceTicks < best.priceTicks : o.priceTicks > best.priceTicks) ||
        (o.priceTicks === best.priceTicks && o.seq < best.seq);
      if (better) best = o;
    }
    return best;
  }

  private match(taker: ModelOrder, limit: number): void {
    let last = 0;
    while (taker.leavesLots > 0) {
      const maker = this.best(taker.symbol, taker.side, limit);
      if (maker === undefined || maker === taker) break;
      const qty = Math.min(taker.leavesLots, maker.leavesLots);
      const tradeId = ++this.tradeId;
      maker.filledLots += qty;
      maker.leavesLots -= qty;
      if (maker.leavesLots === 0) this.drop(maker);
      taker.filledLots += qty;
      taker.leavesLots -= qty;
      const price = maker.priceTicks;
      this.events.push(fill(taker, qty, price, tradeId), fill(maker, qty, price, tradeId));
      last = price;
    }
    if (last !== 0) this.events.push({ owner: 0, kind: 'refPrice', symbol: taker.symbol, priceTicks: last });
  }

  private find(owner: number, orderId: number): ModelOrder | undefined {
    return this.resting.find((o) => o.owner === owner && o.orderId === orderId);
  }

  private drop(order: ModelOrder): void {
    const at = this.resting.indexOf(order);
    if (at >= 0) this.resting.splice(at, 1);
  }

  private reject(owner: number, requestId: number, orderId: number, reason: string): void {
    this.events.push({ owner, kind: 'reject', requestId, orderId, reason });
  }
}

function fill(order: ModelOrder, qtyLots: number, priceTicks: number, tradeId: number): Routed {
  return {
    owner: order.owner,
    kind: 'fill',
    orderId: order.orderId,
    qtyLots,
    priceTicks,
    leavesLots: order.leavesLots,
    tradeId,
  };
}

function crosses(takerSide: SideValue, makerPrice: number, limit: number): boolean {
  return takerSide === Side.BUY ? makerPrice <= limit : makerPrice >= limit;
}

// --- the requests ---------------------------------------------------------------------

type Step =
  | ({
      kind: 'new';
      owner: number;
      /** Reuse an earlier id (a duplicate when that order still rests). */
      reuse: number | null;
    } & Omit<NewOrderMessage, 'kind' | 'requestId' | 'orderId'>)
  | { kind: 'cancel'; owner: number; pick: number }
  | {
      kind: 'replace';
      owner: number;
      pick: number;
      /** Keep the order's price (only the quantity changes), or this one. */
      samePrice: boolean;
      priceTicks: number;
      /** The new quantity against the order's present one. */
      qtyDelta: number;
    }
  | { kind: 'massCancel'; owner: number; account: string; symbol: string };

const owner = fc.constantFrom(1, 2);
/** Few prices, so that orders queue at the same price and cross often; now and then an invalid one. */
const price = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 97, max: 103 }) }, fc.constantFrom(0, -1));
const account = fc.constantFrom('A', 'B');
const symbol = fc.constantFrom('X', 'Y');
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('new' as const),
      owner,
      account,
      symbol: fc.oneof({ weight: 20, arbitrary: symbol }, { weight: 1, arbitrary: fc.constant('') }),
      side: fc.constantFrom(Side.BUY, Side.SELL),
      type: fc.constantFrom(OrderType.LIMIT, OrderType.LIMIT, OrderType.LIMIT, OrderType.MARKET),
      tif: fc.constantFrom(
        TimeInForce.GTC,
        TimeInForce.GTC,
        TimeInForce.DAY,
        TimeInForce.IOC,
        TimeInForce.FOK,
      ),
      postOnly: fc.oneof(
        { weight: 4, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      priceTicks: price,
      qtyLots: fc.integer({ min: -1, max: 12 }),
      reuse: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), owner, pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      owner,
      pick: fc.nat(),
      samePrice: fc.boolean(),
      priceTicks: price,
      qtyDelta: fc.integer({ min: -4, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('massCancel' as const),
      owner,
      account,
      symbol: fc.constantFrom('X', 'Y', ''),
    }),
  },
);

describe('matching engine against a plain model', () => {
  it('gives the same events for any sequence of requests, and never leaves the book crossed', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 60 }), (steps) => {
        const events: Routed[] = [];
        const engine = new MatchingEngine(recordingSink(events));
        const model = new ModelVenue();
        const ids: number[] = [];
        let nextId = 1;
        for (const s of steps) {
          let request: VenueRequest;
          const requestId = nextId++;
          if (s.kind === 'new') {
            const orderId = s.reuse !== null && ids.length > 0 ? ids[s.reuse % ids.length]! : requestId;
            ids.push(orderId);
            request = {
              kind: 'newOrder',
              requestId: orderId,
              orderId,
              account: s.account,
              symbol: s.symbol,
              side: s.side,
              type: s.type,
              tif: s.tif,
              postOnly: s.postOnly,
              priceTicks: s.type === OrderType.MARKET ? 0 : s.priceTicks,
              qtyLots: s.qtyLots,
            };
          } else if (s.kind === 'cancel' || s.kind === 'replace') {
            // Mostly one of the connection's resting orders; now and then any id ever used.
            const mine = model.restingOf('X', 'Y').filter((o) => o.owner === s.owner);
            const target = s.pick % 4 !== 0 && mine.length > 0 ? mine[s.pick % mine.length] : undefined;
            const orderId = target?.orderId ?? (ids.length > 0 ? ids[s.pick % ids.length]! : 999);
            request =
              s.kind === 'cancel'
                ? { kind: 'cancel', requestId, orderId }
                : {
                    kind: 'replace',
                    requestId,
                    orderId,
                    priceTicks: target !== undefined && s.samePrice ? target.priceTicks : s.priceTicks,
                    qtyLots: (target?.qtyLots ?? 5) + s.qtyDelta,
                  };
          } else {
            request = { kind: 'massCancel', requestId, account: s.account, symbol: s.symbol };
          }
          engine.handle(s.owner, request);
          model.handle(s.owner, request);
          assert.deepEqual(events, model.events, `after ${JSON.stringify(request)} from ${s.owner}`);
          for (const sym of ['X', 'Y']) {
            const book = engine.book(sym);
            if (book === undefined) continue;
            const bid = book.depth(Side.BUY)[0]?.priceTicks;
            const ask = book.depth(Side.SELL)[0]?.priceTicks;
            assert.ok(bid === undefined || ask === undefined || bid < ask, `${sym} crossed: ${bid} / ${ask}`);
            const lots = (side: SideValue) =>
              book.depth(side).reduce((sum, level) => sum + level.totalLots, 0);
            const modelLots = (side: SideValue) =>
              model
                .restingOf(sym)
                .filter((o) => o.side === side)
                .reduce((sum, o) => sum + o.leavesLots, 0);
            assert.equal(lots(Side.BUY), modelLots(Side.BUY), `${sym} bid lots`);
            assert.equal(lots(Side.SELL), modelLots(Side.SELL), `${sym} ask lots`);
          }
        }
      }),
      {
        seed: Number(process.env.PORTCULLIS_FC_SEED ?? 20261126),
        numRuns: Number(process.env.PORTCULLIS_FC_RUNS ?? 500),
      },
    );
  });
});
