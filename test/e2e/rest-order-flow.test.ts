import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';

describe('end to end over REST: firewall + venue simulator + client SDK', () => {
  let fx: Awaited<ReturnType<typeof startFirewallFixture>>;
  before(async () => {
    fx = await startFirewallFixture();
  });
  after(() => fx.stop());

  it('accepts an order, fills it against another account, and reports both sides', async () => {
    const mm2 = fx.rest('MM2-rest');
    const mm1 = fx.rest('MM1-rest');
    const sell = await mm2.placeOrder({
      clOrdId: 'mm2-s1',
      symbol: 'BTC-PERP',
      side: 'sell',
      type: 'limit',
      qty: '0.5',
      price: '65000',
    });
    assert.equal(sell.status, 201, JSON.stringify(sell.body));
    assert.deepEqual(Object.keys(sell.body as object).sort(), ['clOrdId', 'orderId', 'status']);

    const buy = await mm1.placeOrder({
      clOrdId: 'mm1-b1',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.2',
      price: '65000',
    });
    assert.equal(buy.status, 201, JSON.stringify(buy.body));

    // The fills travel back asynchronously; poll the order until it shows them.
    let order: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) {
      order = (await mm1.getOrder('mm1-b1')).body as Record<string, unknown>;
      if (order.status === 'filled') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(order.status, 'filled');
    assert.equal(order.filledQty, '0.2');
    assert.equal(order.leavesQty, '0');
    assert.equal(order.avgPrice, '65000');

    const maker = (await mm2.getOrder('mm2-s1')).body as Record<string, unknown>;
    assert.equal(maker.status, 'partially_filled');
    assert.equal(maker.filledQty, '0.2');
    assert.equal(maker.leavesQty, '0.3');

    // The trade set the reference price: an order far from it is stopped by the collar.
    const far = await mm1.placeOrder({
      clOrdId: 'mm1-b2',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '90000',
    });
    assert.equal(far.status, 422);
    assert.equal((far.body as { error: { code: string } }).error.code, 'PRICE_COLLAR');

    const canceled = await mm2.cancelOrder('mm2-s1');
    assert.equal(canceled.status, 200, JSON.stringify(canceled.body));
    assert.deepEqual(canceled.body, { clOrdId: 'mm2-s1', status: 'canceled' });
    const again = await mm2.cancelOrder('mm2-s1');
    assert.equal(again.status, 404);
  });
});
