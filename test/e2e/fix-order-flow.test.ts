import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FixClient } from '../../src/client/fix-client.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';

describe('end to end over FIX: firewall + venue simulator + FIX client SDK', () => {
  let fx: Awaited<ReturnType<typeof startFirewallFixture>>;
  before(async () => {
    fx = await startFirewallFixture();
  });
  after(() => fx.stop());

  const connect = (senderCompId: string, cancelOnDisconnect?: boolean) =>
    FixClient.connect({
      url: `ws://127.0.0.1:${fx.firewall.port}/fix`,
      credentials: fx.credentials['MM1-fix']!,
      senderCompId,
      targetCompId: 'PORTCULLIS',
      ...(cancelOnDisconnect === undefined ? {} : { cancelOnDisconnect }),
    });

  it('logs on, trades against another account, replaces, cancels and mass-cancels', async () => {
    const client = await connect('MM1-A');
    const mm2 = fx.rest('MM2-rest');
    assert.equal(
      (
        await mm2.placeOrder({
          clOrdId: 'ask-1',
          symbol: 'BTC-PERP',
          side: 'sell',
          type: 'limit',
          qty: '1',
          price: '65000',
        })
      ).status,
      201,
    );

    client.newOrder({
      clOrdId: 'f-1',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.4',
      price: '65000',
    });
    const ack = await client.waitFor('executionReport', (r) => r.clOrdId === 'f-1' && r.execType === '0');
    assert.equal(ack.ordStatus, '0');
    const fill = await client.waitFor('executionReport', (r) => r.clOrdId === 'f-1' && r.execType === 'F');
    assert.equal(fill.ordStatus, '2');
    assert.equal(fill.lastQty, '0.4');
    assert.equal(fill.lastPx, '65000');
    assert.equal(fill.cumQty, '0.4');
    assert.equal(fill.leavesQty, '0');

    // A resting bid, replaced, then canceled.
    client.newOrder({
      clOrdId: 'f-2',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '64900',
    });
    await client.waitFor('executionReport', (r) => r.clOrdId === 'f-2' && r.execType === '0');
    client.replace({
      clOrdId: 'f-3',
      origClOrdId: 'f-2',
      symbol: 'BTC-PERP',
      side: 'buy',
      qty: '0.2',
      price: '64950',
    });
    const replaced = await client.waitFor('executionReport', (r) => r.execType === '5');
    assert.equal(replaced.clOrdId, 'f-3');
    assert.equal(replaced.origClOrdId, 'f-2');
    assert.equal(replaced.qty, '0.2');
    assert.equal(replaced.price, '64950');
    client.cancel({ clOrdId: 'f-4', origClOrdId: 'f-3', symbol: 'BTC-PERP', side: 'buy' });
    const canceled = await client.waitFor('executionReport', (r) => r.execType === '4');
    assert.equal(canceled.clOrdId, 'f-4');
    assert.equal(canceled.origClOrdId, 'f-3');

    // Cancel of an unknown order: OrderCancelReject 102=1.
    client.cancel({ clOrdId: 'f-5', origClOrdId: 'nope', symbol: 'BTC-PERP', side: 'buy' });
    const cancelReject = await client.waitFor('orderCancelReject');
    assert.equal(cancelReject.cxlRejReason, 1);
    assert.match(cancelReject.text ?? '', /^UNKNOWN_ORDER: /);

    // A price collar reject: ExecutionReport 39=8 with 103=3.
    client.newOrder({
      clOrdId: 'f-6',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '90000',
    });
    const rejected = await client.waitFor('executionReport', (r) => r.clOrdId === 'f-6');
    assert.equal(rejected.ordStatus, '8');
    assert.equal(rejected.ordRejReason, 3);
    assert.match(rejected.text ?? '', /^PRICE_COLLAR: /);

    // Mass cancel of two resting orders.
    client.newOrder({
      clOrdId: 'f-7',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '64800',
    });
    client.newOrder({
      clOrdId: 'f-8',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '64700',
    });
    await client.waitFor('executionReport', (r) => r.clOrdId === 'f-8' && r.execType === '0');
    client.massCancel({ clOrdId: 'f-9' });
    const report = await client.waitFor('massCancelReport');
    assert.equal(report.totalAffectedOrders, 2);
    await client.logout();
  });

  it("cancels a session's live orders when it drops (cancel-on-disconnect)", async () => {
    const client = await connect('MM1-B', true);
    client.newOrder({
      clOrdId: 'cod-1',
      symbol: 'BTC-PERP',
      side: 'buy',
      type: 'limit',
      qty: '0.1',
      price: '64800',
    });
    await client.waitFor('executionReport', (r) => r.clOrdId === 'cod-1' && r.execType === '0');
    await client.close();
    const mm1 = fx.rest('MM1-rest');
    let status = '';
    for (let i = 0; i < 100 && status !== 'canceled'; i++) {
      status = ((await mm1.getOrder('cod-1')).body as { status: string }).status;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(status, 'canceled');
  });
});
