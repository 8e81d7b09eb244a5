// SPEC sections 3 and 4 over the real REST edge (uWS.js app, venue simulator,
// real signatures): every order reject code with its HTTP status, the order
// lifecycle (place, read, cancel, cancel-all), per-account isolation, rate
// limits with Retry-After and the RateLimit headers, /api/v1/limits, and many
// concurrent orders from several keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/client/credentials.ts';
import type { OrderInput } from '../../src/client/rest-client.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import {
  addAccount,
  addHmacKey,
  addMarket,
  assertError,
  assertSuccess,
  clOrdId,
  eventually,
  relaxLimits,
  signed,
} from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

/** A new order's body, as the SDK types it. */
type OrderBody = OrderInput;

/** A resting BTC-PERP buy far below any price these tests trade at (no fills, no reference price). */
const restingBuy = (extra: Partial<OrderBody> = {}): OrderBody => ({
  clOrdId: clOrdId('api'),
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '0.001',
  price: '1000',
  ...extra,
});

describe('REST orders against the venue simulator', () => {
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  let mm2: Credentials;
  const keys: Record<string, Credentials> = {};

  const place = (c: Credentials, body: OrderBody) => signed(port, c, 'POST', '/api/v1/orders', { body });
  const get = (c: Credentials, id: string) => signed(port, c, 'GET', `/api/v1/orders/${id}`);
  const cancel = (c: Credentials, id: string) => signed(port, c, 'DELETE', `/api/v1/orders/${id}`);
  const cancelAll = (c: Credentials, body: unknown = {}) =>
    signed(port, c, 'POST', '/api/v1/orders/cancel-all', { body });

  before(async () => {
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        addMarket(config, 'HALT-PERP', { status: 'halted' });
        addMarket(config, 'CLOSED-PERP', { status: 'closed' });
        addMarket(config, 'NOREF-PERP');
        addMarket(config, 'COLLAR-PERP', { collarBps: 500 });
        addMarket(config, 'STRICT-PERP', { requireReferencePrice: true });
        addMarket(config, 'CONC-PERP');
        addMarket(config, 'MIN-PERP', { minQty: '0.01' });
        addMarket(config, 'FILL-PERP');
        addMarket(config, 'KILL-PERP');
        addMarket(config, 'POST-PERP');
        addAccount(config, { id: 'CAP', maxOpenOrders: 2, maxPosition: { 'BTC-PERP': '1' } });
        addAccount(config, { id: 'SLOW', ordersPerSec: 0.01, burst: 2 });
        addAccount(config, { id: 'LIM', ordersPerSec: 0.001, burst: 10 });
        addAccount(config, { id: 'CXL' });
        keys.cap = addHmacKey(config, { id: 'cap', account: 'CAP' });
        keys.slow = addHmacKey(config, { id: 'slow', account: 'SLOW' });
        keys.lim = addHmacKey(config, { id: 'lim', account: 'LIM' });
        keys.cxl = addHmacKey(config, { id: 'cxl', account: 'CXL' });
        keys.cxl2 = addHmacKey(config, { id: 'cxl-second', account: 'CXL' });
      },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
    mm2 = fx.credentials['MM2-rest']!;
  });
  after(() => fx.stop());

  it('places an order: 201 {clOrdId, orderId, status: "new"} after the venue ack', async () => {
    const body = restingBuy();
    const res = assertSuccess(await place(mm1, body), 201);
    assert.deepEqual(Object.keys(res).sort(), ['clOrdId', 'orderId', 'status']);
    assert.equal(res.clOrdId, body.clOrdId);
    assert.equal(res.status, 'new');
    assert.match(res.orderId as string, /^\d+$/);
    // Every optional field, spelled out.
    assertSuccess(await place(mm1, restingBuy({ tif: 'DAY', postOnly: true })), 201);
  });

  it('UNKNOWN_SYMBOL, TICK_SIZE, LOT_SIZE (400)', async () => {
    assertError(await place(mm1, restingBuy({ symbol: 'DOGE-PERP' })), 400, 'UNKNOWN_SYMBOL');
    assertError(await place(mm1, restingBuy({ price: '1000.3' })), 400, 'TICK_SIZE');
    assertError(await place(mm1, restingBuy({ price: '1000.25' })), 400, 'TICK_SIZE');
    assertError(await place(mm1, restingBuy({ qty: '0.0015' })), 400, 'LOT_SIZE');
    assertError(await place(mm1, restingBuy({ qty: '0.0001' })), 400, 'LOT_SIZE');
  });

  it('MIN_QTY, MAX_QTY, MAX_NOTIONAL (422), exactly at each limit passes', async () => {
    assertError(await place(mm1, restingBuy({ qty: '0' })), 422, 'MIN_QTY');
    assertError(await place(mm1, restingBuy({ symbol: 'MIN-PERP', qty: '0.009' })), 422, 'MIN_QTY');
    assertSuccess(await place(mm1, restingBuy({ symbol: 'MIN-PERP', qty: '0.01' })), 201);
    assertError(await place(mm1, restingBuy({ qty: '100.001' })), 422, 'MAX_QTY');
    // 100 x 50000 = 5,000,000 = maxNotional passes; one tick more fails.
    assertSuccess(await place(mm2, restingBuy({ symbol: 'NOREF-PERP', qty: '100', price: '50000' })), 201);
    assertError(
      await place(mm2, restingBuy({ symbol: 'NOREF-PERP', qty: '100', price: '50000.5' })),
      422,
      'MAX_NOTIONAL',
    );
  });

  it('MARKET_HALTED (422) on a halted or closed market', async () => {
    assertError(await place(mm1, restingBuy({ symbol: 'HALT-PERP' })), 422, 'MARKET_HALTED');
    assertError(await place(mm1, restingBuy({ symbol: 'CLOSED-PERP' })), 422, 'MARKET_HALTED');
  });

  it('NO_REFERENCE_PRICE (422): a market order before any trade; a limit order where required', async () => {
    const market: OrderBody = {
      clOrdId: clOrdId('mkt'),
      symbol: 'NOREF-PERP',
      side: 'buy',
      type: 'market',
      qty: '0.001',
    };
    assertError(await place(mm1, market), 422, 'NO_REFERENCE_PRICE');
    assertError(await place(mm1, restingBuy({ symbol: 'STRICT-PERP' })), 422, 'NO_REFERENCE_PRICE');
  });

  it('PRICE_COLLAR (422) around the last trade, two-sided and exact at the edge', async () => {
    // A trade at 1000 sets the reference price.
    assertSuccess(
      await place(mm2, {
        clOrdId: clOrdId('mk'),
        symbol: 'COLLAR-PERP',
        side: 'sell',
        type: 'limit',
        qty: '0.01',
        price: '1000',
      }),
      201,
    );
    const taker = clOrdId('tk');
    assertSuccess(
      await place(mm1, {
        clOrdId: taker,
        symbol: 'COLLAR-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.01',
        price: '1000',
      }),
      201,
    );
    const market = fx.firewall.runtime.model.markets.get('COLLAR-PERP')!;
    await eventually(
      () => (fx.firewall.runtime.tables.referencePriceTicks(market.index) > 0 ? true : undefined),
      'the reference price',
    );
    // 500 bps of 1000 = 50: [950, 1050] passes, one tick outside fails.
    const at = (side: 'buy' | 'sell', price: string) =>
      place(mm1, { clOrdId: clOrdId('c'), symbol: 'COLLAR-PERP', side, type: 'limit', qty: '0.001', price });
    assertError(await at('buy', '1050.5'), 422, 'PRICE_COLLAR');
    assertError(await at('buy', '949.5'), 422, 'PRICE_COLLAR');
    assertError(await at('sell', '1050.5'), 422, 'PRICE_COLLAR');
    assertError(await at('sell', '949.5'), 422, 'PRICE_COLLAR');
    assertSuccess(await at('buy', '950'), 201);
    assertSuccess(await at('sell', '1050'), 201);
  });

  it('MAX_POSITION and MAX_OPEN_ORDERS (422)', async () => {
    const cap = keys.cap!;
    // maxPosition BTC-PERP 1: the worst case (every open buy filled) must stay within it.
    assertError(await place(cap, restingBuy({ qty: '1.001' })), 422, 'MAX_POSITION');
    assertSuccess(await place(cap, restingBuy({ qty: '0.6' })), 201);
    assertError(await place(cap, restingBuy({ qty: '0.401' })), 422, 'MAX_POSITION');
    assertSuccess(await place(cap, restingBuy({ qty: '0.4' })), 201);
    // maxOpenOrders 2: a third live order is refused, whatever its size.
    assertError(
      await place(cap, restingBuy({ qty: '0.001', side: 'sell', price: '900000' })),
      422,
      'MAX_OPEN_ORDERS',
    );
    assertError(
      await place(cap, restingBuy({ symbol: 'ETH-PERP', qty: '0.01', price: '10' })),
      422,
      'MAX_OPEN_ORDERS',
    );
  });

  it('KILL_SWITCH (422) while a kill switch covers the market; cancels still pass', async () => {
    const market = fx.firewall.runtime.model.markets.get('KILL-PERP')!;
    const resting = restingBuy({ symbol: 'KILL-PERP' });
    assertSuccess(await place(mm1, resting), 201);
    fx.firewall.killSwitch.set({ scope: 'market', marketIndex: market.index });
    try {
      assertError(await place(mm1, restingBuy({ symbol: 'KILL-PERP' })), 422, 'KILL_SWITCH');
      assertSuccess(await cancel(mm1, resting.clOrdId), 200);
    } finally {
      fx.firewall.killSwitch.clear({ scope: 'market', marketIndex: market.index });
    }
    assertSuccess(await place(mm1, restingBuy({ symbol: 'KILL-PERP' })), 201);
  });

  it('VENUE_REJECT (422) when the venue refuses: a post-only order that would cross', async () => {
    const sell: OrderBody = {
      clOrdId: clOrdId('ps'),
      symbol: 'POST-PERP',
      side: 'sell',
      type: 'limit',
      qty: '0.01',
      price: '1000',
    };
    assertSuccess(await place(mm2, sell), 201);
    const buy = restingBuy({ symbol: 'POST-PERP', qty: '0.01', price: '1000', postOnly: true });
    const { message } = assertError(await place(mm1, buy), 422, 'VENUE_REJECT');
    assert.match(message, /POST_ONLY_WOULD_CROSS/);
    assert.equal(assertSuccess(await get(mm1, buy.clOrdId), 200).status, 'rejected');
    assert.equal(assertSuccess(await get(mm2, sell.clOrdId), 200).status, 'new', 'nothing traded');
  });

  it('DUPLICATE_CLORDID (409), per account, also for finished orders', async () => {
    const body = restingBuy();
    assertSuccess(await place(mm1, body), 201);
    assertError(await place(mm1, body), 409, 'DUPLICATE_CLORDID');
    assertError(await place(mm1, { ...body, qty: '0.002', price: '1001' }), 409, 'DUPLICATE_CLORDID');
    // Another account may use the same clOrdId.
    assertSuccess(await place(mm2, body), 201);
    // Finished (canceled) orders keep their clOrdId.
    assertSuccess(await cancel(mm1, body.clOrdId), 200);
    assertError(await place(mm1, body), 409, 'DUPLICATE_CLORDID');
  });

  it("UNKNOWN_ORDER (404): unknown ids, and another account's orders, for GET and DELETE", async () => {
    assertError(await get(mm1, 'never-placed'), 404, 'UNKNOWN_ORDER');
    assertError(await cancel(mm1, 'never-placed'), 404, 'UNKNOWN_ORDER');
    const body = restingBuy();
    assertSuccess(await place(mm1, body), 201);
    assertError(await get(mm2, body.clOrdId), 404, 'UNKNOWN_ORDER');
    assertError(await cancel(mm2, body.clOrdId), 404, 'UNKNOWN_ORDER');
    // The owner's order is untouched by the stranger's attempt.
    assert.equal(assertSuccess(await get(mm1, body.clOrdId), 200).status, 'new');
  });

  it('order lifecycle: accepted, read, canceled (DELETE), read as canceled, second cancel 404', async () => {
    const body = restingBuy({ qty: '0.005', price: '1234.5', tif: 'GTC' });
    const placed = assertSuccess(await place(mm1, body), 201);
    const live = assertSuccess(await get(mm1, body.clOrdId), 200);
    assert.deepEqual(live, {
      clOrdId: body.clOrdId,
      orderId: placed.orderId,
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.005',
      price: '1234.5',
      tif: 'GTC',
      status: 'new',
      filledQty: '0',
      leavesQty: '0.005',
      avgPrice: null,
    });
    assert.deepEqual(assertSuccess(await cancel(mm1, body.clOrdId), 200), {
      clOrdId: body.clOrdId,
      status: 'canceled',
    });
    // A finished order is read back from what the registry keeps of it: every field as it was.
    const done = assertSuccess(await get(mm1, body.clOrdId), 200);
    assert.deepEqual(done, { ...live, status: 'canceled', leavesQty: '0' });
    assertError(await cancel(mm1, body.clOrdId), 404, 'UNKNOWN_ORDER');
    // Any key of the account may read and cancel the account's orders.
    const other = restingBuy();
    assertSuccess(await place(keys.cxl!, other), 201);
    assert.equal(assertSuccess(await get(keys.cxl2!, other.clOrdId), 200).status, 'new');
    assertSuccess(await cancel(keys.cxl2!, other.clOrdId), 200);
  });

  it('a filled order reads back with its fills; a filled order cannot be canceled', async () => {
    const maker = {
      clOrdId: clOrdId('m'),
      symbol: 'FILL-PERP',
      side: 'sell',
      type: 'limit',
      qty: '0.03',
      price: '2000',
    } as const;
    const taker = { ...maker, clOrdId: clOrdId('t'), side: 'buy', qty: '0.02' } as const;
    assertSuccess(await place(mm2, maker), 201);
    assertSuccess(await place(mm1, taker), 201);
    const filled = await eventually(async () => {
      const view = assertSuccess(await get(mm1, taker.clOrdId), 200);
      return view.status === 'filled' ? view : undefined;
    }, 'the taker to fill');
    assert.equal(filled.filledQty, '0.02');
    assert.equal(filled.leavesQty, '0');
    assert.equal(filled.avgPrice, '2000');
    const partial = assertSuccess(await get(mm2, maker.clOrdId), 200);
    assert.equal(partial.status, 'partially_filled');
    assert.equal(partial.leavesQty, '0.01');
    assertError(await cancel(mm1, taker.clOrdId), 404, 'UNKNOWN_ORDER');
    assertSuccess(await cancel(mm2, maker.clOrdId), 200);
  });

  it('cancel-all answers {"canceled": N} with N the live count, of one market or all', async () => {
    const c = keys.cxl!;
    assert.deepEqual(assertSuccess(await cancelAll(c), 200), { canceled: 0 });
    const btc = [restingBuy(), restingBuy(), restingBuy()];
    const eth = [
      restingBuy({ symbol: 'ETH-PERP', qty: '0.01', price: '10' }),
      restingBuy({ symbol: 'ETH-PERP', qty: '0.01', price: '10.05' }),
    ];
    for (const body of [...btc, ...eth]) assertSuccess(await place(c, body), 201);
    assert.deepEqual(assertSuccess(await cancelAll(c, { symbol: 'ETH-PERP' }), 200), { canceled: 2 });
    for (const body of eth) assert.equal(assertSuccess(await get(c, body.clOrdId), 200).status, 'canceled');
    for (const body of btc) assert.equal(assertSuccess(await get(c, body.clOrdId), 200).status, 'new');
    assert.deepEqual(assertSuccess(await cancelAll(c, { symbol: 'ETH-PERP' }), 200), { canceled: 0 });
    // Another account's orders are not the caller's to cancel.
    const foreign = restingBuy();
    assertSuccess(await place(mm2, foreign), 201);
    assert.deepEqual(assertSuccess(await cancelAll(c), 200), { canceled: 3 });
    for (const body of btc) assert.equal(assertSuccess(await get(c, body.clOrdId), 200).status, 'canceled');
    assert.equal(assertSuccess(await get(mm2, foreign.clOrdId), 200).status, 'new');
    assert.deepEqual(assertSuccess(await cancelAll(c), 200), { canceled: 0 });
    // An empty body means every market too; bad bodies are refused.
    assert.deepEqual(assertSuccess(await cancelAll(c, ''), 200), { canceled: 0 });
    // And so does no body at all (no Content-Type either): every field is optional.
    const bare = await signed(port, c, 'POST', '/api/v1/orders/cancel-all');
    assert.deepEqual(assertSuccess(bare, 200), { canceled: 0 });
    assertError(await cancelAll(c, { symbol: 'DOGE-PERP' }), 400, 'UNKNOWN_SYMBOL');
    assertError(await cancelAll(c, { symbol: 'ETH-PERP', all: true }), 400, 'INVALID_REQUEST');
    assertError(await cancelAll(c, { symbol: 5 }), 400, 'INVALID_REQUEST');
  });

  it('RATE_LIMITED (429) with an integer Retry-After >= 1 and the RateLimit headers', async () => {
    const slow = keys.slow!;
    // burst 2 at 0.01/s: two orders pass, the third would wait about 100 s (no refill during the test).
    const first = restingBuy();
    assertSuccess(await place(slow, first), 201);
    assertSuccess(await place(slow, restingBuy()), 201);
    const limited = await place(slow, restingBuy());
    assertError(limited, 429, 'RATE_LIMITED');
    const retryAfter = limited.headers['retry-after'];
    assert.match(retryAfter ?? '', /^\d+$/, 'Retry-After is whole seconds');
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 100, `Retry-After ${retryAfter}`);
    assert.match(limited.headers.ratelimit!, /;r=0;/, 'nothing remains');
    assert.match(limited.headers['ratelimit-policy']!, /;q=2;/, 'the quota is the burst');
    assertError(await place(slow, restingBuy()), 429, 'RATE_LIMITED');
    // Reads are not orders, and cancels have their own budget: both still work.
    assertSuccess(await signed(port, slow, 'GET', '/api/v1/limits'), 200);
    assertSuccess(await cancel(slow, first.clOrdId), 200);
  });

  it("GET /api/v1/limits returns the caller's usage", async () => {
    const lim = keys.lim!;
    for (let i = 0; i < 2; i++) assertSuccess(await place(lim, restingBuy()), 201);
    const body = assertSuccess(await signed(port, lim, 'GET', '/api/v1/limits'), 200);
    const limits = body.limits as Array<Record<string, unknown>>;
    assert.deepEqual(
      limits.map((l) => l.name),
      ['account.orders', 'account.cancels', 'key.requests', 'ip.requests'],
    );
    const orders = limits[0]!;
    // burst 10 at 0.001/s: two orders used two, and nothing measurable refilled.
    assert.deepEqual(
      { ratePerSec: orders.ratePerSec, burst: orders.burst, remaining: orders.remaining },
      { ratePerSec: 0.001, burst: 10, remaining: 8 },
    );
    assert.ok((orders.resetMs as number) > 0);
    const cancels = limits[1]!;
    assert.equal(cancels.remaining, 10, 'no cancels yet');
    for (const entry of limits) {
      assert.deepEqual(Object.keys(entry).sort(), ['burst', 'name', 'ratePerSec', 'remaining', 'resetMs']);
      assert.ok(Number.isInteger(entry.remaining) && Number.isInteger(entry.resetMs));
    }
    // The account's numbers are the caller's own: another account's are untouched.
    const mine = assertSuccess(await signed(port, keys.cxl!, 'GET', '/api/v1/limits'), 200);
    const theirs = (mine.limits as Array<Record<string, unknown>>)[0]!;
    assert.notEqual(theirs.burst, 10);
  });

  it('a bug met by one request answers 500 INTERNAL, in the body or the head, and the server goes on', async () => {
    const router = fx.firewall.router;
    const submit = router.submitNewOrder;
    router.submitNewOrder = () => {
      throw new Error('a bug met while forwarding');
    };
    try {
      const body = {
        clOrdId: clOrdId('bug'),
        symbol: 'BTC-PERP',
        side: 'buy',
        type: 'limit',
        qty: '0.001',
        price: '1000',
      };
      assertError(await signed(port, mm1, 'POST', '/api/v1/orders', { body }), 500, 'INTERNAL');
    } finally {
      router.submitNewOrder = submit;
    }
    // A request without a body is answered from its head alone: the same there.
    const orders = fx.firewall.runtime.orders;
    const find = orders.find;
    orders.find = () => {
      throw new Error('a bug met while reading');
    };
    try {
      assertError(await signed(port, mm1, 'GET', `/api/v1/orders/${clOrdId('any')}`), 500, 'INTERNAL');
    } finally {
      orders.find = find;
    }
    // The process is still up and serving.
    const next = {
      clOrdId: clOrdId('after'),
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.001',
      price: '1000',
    };
    assertSuccess(await signed(port, mm1, 'POST', '/api/v1/orders', { body: next }), 201);
  });

  it('50 concurrent orders from two accounts each get exactly one, correct answer', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) => ({
      credentials: i % 2 === 0 ? mm1 : mm2,
      body: {
        clOrdId: clOrdId(`conc${i}`),
        symbol: 'CONC-PERP',
        // Buys far below sells: nothing crosses.
        side: i % 2 === 0 ? 'buy' : 'sell',
        type: 'limit',
        qty: '0.001',
        price: i % 2 === 0 ? String(100 + i) : String(10_000 + i),
      } satisfies OrderBody,
    }));
    // The same clOrdId sent twice at once by one account: exactly one wins.
    const twin = { ...bodies[0]!.body, clOrdId: clOrdId('twin') };
    const now = Date.now();
    const results = await Promise.all([
      ...bodies.map(({ credentials, body }) => place(credentials, body)),
      // Two different timestamps: two signatures, not a replay.
      signed(port, mm1, 'POST', '/api/v1/orders', { body: twin, timestamp: now - 1 }),
      signed(port, mm1, 'POST', '/api/v1/orders', { body: twin, timestamp: now - 2 }),
    ]);
    const orderIds = new Set<string>();
    bodies.forEach(({ body }, i) => {
      const res = assertSuccess(results[i]!, 201);
      assert.equal(res.clOrdId, body.clOrdId, 'each answer is for its own request');
      assert.equal(res.status, 'new');
      orderIds.add(res.orderId as string);
    });
    assert.equal(orderIds.size, 50, 'every order has its own orderId');
    const twins = results.slice(50);
    assert.deepEqual(twins.map((r) => r.status).sort(), [201, 409]);
    for (const { credentials, body } of bodies) {
      const view = assertSuccess(await get(credentials, body.clOrdId), 200);
      assert.equal(view.status, 'new');
      assert.equal(view.side, body.side);
      assert.equal(view.price, body.price);
    }
    // And the other account cannot see them.
    assertError(await get(mm2, bodies[0]!.body.clOrdId), 404, 'UNKNOWN_ORDER');
    // All of them cancel at once too.
    const canceled = await Promise.all(
      bodies.map(({ credentials, body }) => cancel(credentials, body.clOrdId)),
    );
    bodies.forEach(({ body }, i) => {
      assert.deepEqual(assertSuccess(canceled[i]!, 200), { clOrdId: body.clOrdId, status: 'canceled' });
    });
  });
});
