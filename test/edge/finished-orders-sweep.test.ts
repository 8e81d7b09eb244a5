// Expired finished orders leave memory even when their account stops trading:
// the firewall sweeps them on a timer (an account that keeps trading forgets
// them as its new orders finish). Real server, real venue simulator, REST.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Credentials } from '../../src/client/credentials.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { assertError, assertSuccess, clOrdId, eventually, signed } from './support/rest-harness.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

/** Places a resting order over REST and cancels it: a finished order. Returns its body. */
async function placeAndCancel(fx: Fixture, credentials: Credentials, prefix: string) {
  const port = fx.firewall.port;
  const body = {
    clOrdId: clOrdId(prefix),
    symbol: 'BTC-PERP',
    side: 'buy',
    type: 'limit',
    qty: '0.001',
    price: '1000',
  };
  assertSuccess(await signed(port, credentials, 'POST', '/api/v1/orders', { body }), 201);
  assertSuccess(await signed(port, credentials, 'DELETE', `/api/v1/orders/${body.clOrdId}`), 200);
  return body;
}

describe('finished orders of an idle account', () => {
  let fx: Fixture;
  let mm1: Credentials;
  before(async () => {
    fx = await startFirewallFixture({ firewall: { runtime: { retentionMs: 300 }, sweepMs: 20 } });
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(() => fx.stop());

  it('are readable for the retention, then swept out without any further order', async () => {
    const port = fx.firewall.port;
    const account = fx.firewall.runtime.model.accounts.get('MM1')!.index;
    const body = await placeAndCancel(fx, mm1, 'sweep');
    const orders = fx.firewall.runtime.orders;
    assert.ok(orders.finishedHeld(account) >= 1, 'held once finished');
    await eventually(() => (orders.finishedHeld(account) === 0 ? true : undefined), 'the sweep');
    assertError(await signed(port, mm1, 'GET', `/api/v1/orders/${body.clOrdId}`), 404, 'UNKNOWN_ORDER');
  });
});

describe('finished orders at the default retention', () => {
  let fx: Fixture;
  before(async () => {
    fx = await startFirewallFixture();
  });
  after(() => fx.stop());

  it('stay readable for at least 10 minutes (SPEC section 4)', async () => {
    const body = await placeAndCancel(fx, fx.credentials['MM1-rest']!, 'keep');
    const finishedAt = Date.now();
    const orders = fx.firewall.runtime.orders;
    const account = fx.firewall.runtime.model.accounts.get('MM1')!.index;
    // As a read would find it 9 minutes 59 seconds on, and long after.
    assert.equal(orders.find(account, body.clOrdId, finishedAt + 599_000)?.clOrdId, body.clOrdId);
    assert.equal(orders.find(account, body.clOrdId, finishedAt + 3_600_000), undefined);
  });
});
