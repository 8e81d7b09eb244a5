// Every pre-trade control at its boundary: exactly at a limit passes, one
// tick or lot over fails, with the reject code of SPEC section 3.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { runPipeline } from '../../src/pipeline/pipeline.ts';
import { notionalWithin, pretrade } from '../../src/pipeline/pretrade.ts';
import { PASS, RejectCode } from '../../src/pipeline/reject-codes.ts';
import { Action, OrderType, Side } from '../../src/pipeline/request.ts';
import { DecimalStep } from '../../src/state/decimal.ts';
import { MarketStatus } from '../../src/state/markets.ts';
import { SharedTables } from '../../src/state/shared-tables.ts';
import { makeFixture, NOW } from './fixture.ts';

describe('market and kill switches', () => {
  test('unknown symbol', () => {
    const f = makeFixture();
    assert.equal(
      runPipeline(f.newOrder({ market: null, symbol: 'NOPE' }), f.state, NOW),
      RejectCode.UNKNOWN_SYMBOL,
    );
  });

  test('halted and closed markets refuse new orders', () => {
    const f = makeFixture();
    f.btc.status = MarketStatus.HALTED;
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.MARKET_HALTED);
    f.btc.status = MarketStatus.CLOSED;
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.MARKET_HALTED);
    f.btc.status = MarketStatus.OPEN;
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
  });

  for (const scope of ['global', 'account', 'market', 'key'] as const) {
    test(`a ${scope} kill switch stops new orders and replaces, not cancels`, () => {
      const f = makeFixture();
      const live = f.forward(f.newOrder({ clOrdId: 'live-1' }));
      if (scope === 'global') f.tables.setGlobalKill(true);
      if (scope === 'account') f.tables.setAccountKill(f.account.index, true);
      if (scope === 'market') f.tables.setMarketKill(f.btc.index, true);
      if (scope === 'key') f.tables.setKeyKill(f.key.index, true);
      assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.KILL_SWITCH);
      const replace = f.newOrder({ action: Action.REPLACE, origClOrdId: live.clOrdId, clOrdId: 'live-2' });
      assert.equal(runPipeline(replace, f.state, NOW), RejectCode.KILL_SWITCH);
      const cancel = f.newOrder({ action: Action.CANCEL, origClOrdId: live.clOrdId });
      assert.equal(runPipeline(cancel, f.state, NOW), PASS);
      assert.equal(runPipeline(f.newOrder({ action: Action.MASS_CANCEL }), f.state, NOW), PASS);
    });
  }
});

describe('field errors found while decoding', () => {
  for (const code of [RejectCode.TICK_SIZE, RejectCode.LOT_SIZE, RejectCode.INVALID_REQUEST]) {
    test(`are reported in their place (${code})`, () => {
      const f = makeFixture();
      assert.equal(runPipeline(f.newOrder({ fieldError: code }), f.state, NOW), code);
    });
  }
});

describe('clOrdId uniqueness per account', () => {
  test('a live clOrdId is refused; after the order ends it stays taken for the retention window', () => {
    const f = makeFixture();
    const order = f.forward(f.newOrder({ clOrdId: 'dup' }));
    assert.equal(runPipeline(f.newOrder({ clOrdId: 'dup' }), f.state, NOW), RejectCode.DUPLICATE_CLORDID);
    f.orders.onCanceled(order.orderId, NOW);
    assert.equal(
      runPipeline(f.newOrder({ clOrdId: 'dup' }), f.state, NOW + 1000),
      RejectCode.DUPLICATE_CLORDID,
    );
    const later = NOW + f.orders.retentionMs;
    assert.equal(runPipeline(f.newOrder({ clOrdId: 'dup' }), f.state, later), PASS);
  });
});

describe('quantity bounds', () => {
  test('min and max quantity, exactly at the bound passes', () => {
    const f = makeFixture();
    f.account.maxPositionLots[0] = Number.POSITIVE_INFINITY;
    assert.equal(runPipeline(f.newOrder({ qtyLots: 1 }), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder({ qtyLots: 0 }), f.state, NOW), RejectCode.MIN_QTY);
    f.tables.setReferencePrice(0, 100); // keep the notional small for the max-qty boundary
    assert.equal(runPipeline(f.newOrder({ qtyLots: 100_000, priceTicks: 100 }), f.state, NOW), PASS);
    assert.equal(
      runPipeline(f.newOrder({ qtyLots: 100_001, priceTicks: 100 }), f.state, NOW),
      RejectCode.MAX_QTY,
    );
  });
});

describe('notional', () => {
  test('exactly at the max passes, one tick over fails', () => {
    const f = makeFixture();
    f.account.maxPositionLots[0] = Number.POSITIVE_INFINITY;
    // 1e10 lot-ticks: 100,000 lots (100 BTC) at 100,000 ticks (50,000.0).
    f.tables.setReferencePrice(0, 100_000);
    assert.equal(runPipeline(f.newOrder({ qtyLots: 100_000, priceTicks: 100_000 }), f.state, NOW), PASS);
    assert.equal(
      runPipeline(f.newOrder({ qtyLots: 100_000, priceTicks: 100_001 }), f.state, NOW),
      RejectCode.MAX_NOTIONAL,
    );
  });

  test('market orders are valued at the reference price', () => {
    const f = makeFixture();
    f.account.maxPositionLots[0] = Number.POSITIVE_INFINITY;
    f.tables.setReferencePrice(0, 100_000);
    const market = { type: OrderType.MARKET, priceTicks: 0 } as const;
    assert.equal(runPipeline(f.newOrder({ ...market, qtyLots: 100_000 }), f.state, NOW), PASS);
    f.tables.setReferencePrice(0, 100_001);
    assert.equal(
      runPipeline(f.newOrder({ ...market, qtyLots: 100_000 }), f.state, NOW),
      RejectCode.MAX_NOTIONAL,
    );
  });

  test('products beyond 2^53 are compared exactly', () => {
    assert.equal(notionalWithin(2 ** 30, 2 ** 30, 2 ** 60), true);
    assert.equal(notionalWithin(2 ** 30 + 1, 2 ** 30, 2 ** 60), false);
    // 19 x 474,063,118,670,579 = 9,007,199,254,741,001, which rounds to the limit below in floating point.
    assert.equal(notionalWithin(19, 474_063_118_670_579, 9_007_199_254_741_000), false);
    assert.equal(notionalWithin(19, 474_063_118_670_579, 9_007_199_254_741_002), true);
  });
});

describe('reference price and collar', () => {
  test('a market order needs a reference price; a limit order only where the market says so', () => {
    const f = makeFixture();
    f.tables.setReferencePrice(0, 0);
    const market = f.newOrder({ type: OrderType.MARKET, priceTicks: 0 });
    assert.equal(runPipeline(market, f.state, NOW), RejectCode.NO_REFERENCE_PRICE);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS, 'limit order, no collar without a reference');
    // ETH-PERP requires a reference price for limit orders too (and the key must be allowed there).
    f.key.allowedMarkets[1] = 1;
    const eth = f.newOrder({ market: f.eth, symbol: 'ETH-PERP' });
    assert.equal(runPipeline(eth, f.state, NOW), RejectCode.NO_REFERENCE_PRICE);
    f.tables.setReferencePrice(1, 130_000);
    assert.equal(runPipeline(f.newOrder({ market: f.eth, symbol: 'ETH-PERP' }), f.state, NOW), PASS);
  });

  test('the collar is two-sided and inclusive', () => {
    const f = makeFixture();
    // Reference 130,000 ticks, 500 bps: 6,500 ticks each way.
    assert.equal(runPipeline(f.newOrder({ priceTicks: 136_500 }), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder({ priceTicks: 136_501 }), f.state, NOW), RejectCode.PRICE_COLLAR);
    assert.equal(runPipeline(f.newOrder({ priceTicks: 123_500, side: Side.SELL }), f.state, NOW), PASS);
    assert.equal(
      runPipeline(f.newOrder({ priceTicks: 123_499, side: Side.SELL }), f.state, NOW),
      RejectCode.PRICE_COLLAR,
    );
  });

  test('the collar is exact where reference x bps is beyond 2^53 (a fine tick, a large price)', () => {
    const f = makeFixture();
    // Tick 0.000000001: 136,771.912840881 is 136,771,912,840,881 ticks; a 50.85% collar.
    const fine = {
      ...f.btc,
      tick: DecimalStep.parse('0.000000001'),
      tickSize: '0.000000001',
      collarBps: 5085,
      maxNotionalUnits: Number.MAX_SAFE_INTEGER,
    };
    const reference = 136_771_912_840_881;
    f.tables.setReferencePrice(0, reference);
    // The exact edge: floor(reference x 5085 / 10000) ticks each way.
    const edge = Number((BigInt(reference) * 5085n) / 10000n);
    const order = (priceTicks: number, side: (typeof Side)[keyof typeof Side] = Side.BUY) =>
      f.newOrder({ market: fine, priceTicks, qtyLots: 1, side });
    assert.equal(runPipeline(order(reference + edge), f.state, NOW), PASS);
    const above = order(reference + edge + 1);
    assert.equal(runPipeline(above, f.state, NOW), RejectCode.PRICE_COLLAR, 'one tick above the collar');
    assert.equal(runPipeline(order(reference - edge, Side.SELL), f.state, NOW), PASS);
    assert.equal(runPipeline(order(reference - edge - 1, Side.SELL), f.state, NOW), RejectCode.PRICE_COLLAR);
    // The message gives the exact bounds.
    assert.match(above.detail, /outside 67223\.395161294\.\.206320\.430520468 /);
  });

  test('the collar agrees with exact integer arithmetic at every scale', () => {
    const f = makeFixture();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 52 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        (reference, collarBps, offset, above) => {
          const market = { ...f.btc, collarBps, maxNotionalUnits: Number.MAX_SAFE_INTEGER };
          f.tables.setReferencePrice(0, reference);
          const edge = (BigInt(reference) * BigInt(collarBps)) / 10000n;
          const price = BigInt(reference) + (above ? edge : -edge) + BigInt(offset);
          if (price < 1n || price > BigInt(Number.MAX_SAFE_INTEGER)) return;
          const distance = price > BigInt(reference) ? price - BigInt(reference) : BigInt(reference) - price;
          const inside = distance * 10000n <= BigInt(reference) * BigInt(collarBps);
          const req = f.newOrder({ market, priceTicks: Number(price), qtyLots: 1, clOrdId: 'collar' });
          // The pre-trade stage alone: the whole pipeline's rate limits would refuse most of the runs.
          const verdict = pretrade(req, f.state, NOW);
          assert.equal(
            verdict,
            inside ? PASS : RejectCode.PRICE_COLLAR,
            `${price} against ${reference} +/- ${collarBps} bps`,
          );
        },
      ),
      { seed: 20261126, numRuns: 20_000 },
    );
  });
});

describe('open orders and position', () => {
  test('max open orders: the last allowed passes, the next fails, a finished order frees a slot', () => {
    const f = makeFixture();
    const first = f.forward(f.newOrder());
    f.forward(f.newOrder());
    const third = f.newOrder();
    assert.equal(runPipeline(third, f.state, NOW), PASS);
    f.forward(third);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), RejectCode.MAX_OPEN_ORDERS);
    f.orders.onReject(first.orderId, NOW);
    assert.equal(runPipeline(f.newOrder(), f.state, NOW), PASS);
  });

  test('max position counts fills, open orders on the same side and this order', () => {
    const f = makeFixture();
    // 50,000 lots allowed. Fill 20,000, keep 20,000 open: 10,000 more is the limit.
    const filled = f.forward(f.newOrder({ qtyLots: 20_000 }));
    f.orders.onFill(filled.orderId, 20_000, 130_000, NOW);
    f.forward(f.newOrder({ qtyLots: 20_000 }));
    assert.equal(runPipeline(f.newOrder({ qtyLots: 10_000 }), f.state, NOW), PASS);
    assert.equal(runPipeline(f.newOrder({ qtyLots: 10_001 }), f.state, NOW), RejectCode.MAX_POSITION);
    // Selling: 20,000 long, so 70,000 can be sold before the short side reaches 50,000.
    f.tables.setReferencePrice(0, 100);
    assert.equal(
      runPipeline(f.newOrder({ side: Side.SELL, qtyLots: 70_000, priceTicks: 100 }), f.state, NOW),
      PASS,
    );
    assert.equal(
      runPipeline(f.newOrder({ side: Side.SELL, qtyLots: 70_001, priceTicks: 100 }), f.state, NOW),
      RejectCode.MAX_POSITION,
    );
  });

  test('short side: the sell limit is symmetric', () => {
    const f = makeFixture();
    f.tables.setReferencePrice(0, 100);
    f.forward(f.newOrder({ side: Side.SELL, qtyLots: 30_000, priceTicks: 100 }));
    assert.equal(
      runPipeline(f.newOrder({ side: Side.SELL, qtyLots: 20_000, priceTicks: 100 }), f.state, NOW),
      PASS,
    );
    assert.equal(
      runPipeline(f.newOrder({ side: Side.SELL, qtyLots: 20_001, priceTicks: 100 }), f.state, NOW),
      RejectCode.MAX_POSITION,
    );
  });

  test('max position agrees with exact integer arithmetic at every scale', () => {
    const f = makeFixture();
    const lots = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        lots,
        lots,
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        fc.integer({ min: -2, max: 2 }),
        (position, openBuy, openSell, qtyLots, buy, offset) => {
          const t = SharedTables.create({ accounts: 1, markets: 1, keys: 1 });
          t.addPosition(0, 0, position);
          t.addOpen(0, 0, true, openBuy);
          t.addOpen(0, 0, false, openSell);
          // The exact worst case on the order's side (long for a buy, short for a sell), and a
          // limit right at it, give or take two lots.
          const worst = buy
            ? BigInt(position) + BigInt(openBuy) + BigInt(qtyLots)
            : -(BigInt(position) - BigInt(openSell) - BigInt(qtyLots));
          const limit = (worst < 0n ? -worst : worst) + BigInt(offset);
          if (limit < 0n || limit > BigInt(Number.MAX_SAFE_INTEGER)) return;
          f.account.maxPositionLots[0] = Number(limit);
          const market = {
            ...f.btc,
            maxQtyLots: Number.MAX_SAFE_INTEGER,
            maxNotionalUnits: Number.MAX_SAFE_INTEGER,
          };
          const req = f.newOrder({ market, qtyLots, priceTicks: 1, side: buy ? Side.BUY : Side.SELL });
          f.tables.setReferencePrice(0, 0);
          const verdict = pretrade(req, { ...f.state, tables: t }, NOW);
          assert.equal(
            verdict,
            worst <= limit ? PASS : RejectCode.MAX_POSITION,
            `worst ${worst}, limit ${limit}`,
          );
        },
      ),
      { seed: 20261126, numRuns: 5_000 },
    );
  });
});

describe('cancel and replace', () => {
  test('unknown orders', () => {
    const f = makeFixture();
    assert.equal(
      runPipeline(f.newOrder({ action: Action.CANCEL, origClOrdId: 'none' }), f.state, NOW),
      RejectCode.UNKNOWN_ORDER,
    );
    assert.equal(
      runPipeline(f.newOrder({ action: Action.REPLACE, origClOrdId: 'none' }), f.state, NOW),
      RejectCode.UNKNOWN_ORDER,
    );
  });

  test("a cancel's own clOrdId may be the order's, or fresh, but not another order's", () => {
    const f = makeFixture();
    f.forward(f.newOrder({ clOrdId: 'target' }));
    const other = f.forward(f.newOrder({ clOrdId: 'other' }));
    const cancel = (clOrdId: string) =>
      runPipeline(f.newOrder({ action: Action.CANCEL, origClOrdId: 'target', clOrdId }), f.state, NOW);
    assert.equal(cancel('target'), PASS, '11 = 41');
    assert.equal(cancel('cancel-1'), PASS);
    assert.equal(cancel('other'), RejectCode.DUPLICATE_CLORDID, 'a live order of the account');
    f.orders.onCanceled(other.orderId, NOW);
    assert.equal(cancel('other'), RejectCode.DUPLICATE_CLORDID, 'finished within the retention');
  });

  test('a replace is checked as the order it would become', () => {
    const f = makeFixture();
    const order = f.forward(f.newOrder({ qtyLots: 40_000 }));
    const replace = (fields: object) =>
      f.newOrder({ action: Action.REPLACE, origClOrdId: order.clOrdId, ...fields });
    assert.equal(runPipeline(replace({ priceTicks: 136_500 }), f.state, NOW), PASS);
    assert.equal(runPipeline(replace({ priceTicks: 136_501 }), f.state, NOW), RejectCode.PRICE_COLLAR);
    // Its own leaves (40,000) are replaced, not added to: 50,000 passes, 50,001 does not.
    assert.equal(runPipeline(replace({ qtyLots: 50_000 }), f.state, NOW), PASS);
    assert.equal(runPipeline(replace({ qtyLots: 50_001 }), f.state, NOW), RejectCode.MAX_POSITION);
    assert.equal(runPipeline(replace({ side: Side.SELL }), f.state, NOW), RejectCode.INVALID_REQUEST);
    assert.equal(runPipeline(replace({ clOrdId: order.clOrdId }), f.state, NOW), PASS, 'keeping the clOrdId');
  });

  test('max open orders does not count a replace as a new order', () => {
    const f = makeFixture();
    const order = f.forward(f.newOrder());
    f.forward(f.newOrder());
    f.forward(f.newOrder());
    const replace = f.newOrder({ action: Action.REPLACE, origClOrdId: order.clOrdId, qtyLots: 2000 });
    assert.equal(runPipeline(replace, f.state, NOW), PASS);
  });
});
