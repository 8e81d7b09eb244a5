// A real order registry and router in front of a real venue link, over TCP to a
// controllable fake venue, for the router tests: torn down when the test ends.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { PASS } from '../../../src/pipeline/reject-codes.ts';
import type { OrderRequest } from '../../../src/pipeline/request.ts';
import { OrderRouter } from '../../../src/routing/order-router.ts';
import type { AccountState } from '../../../src/state/accounts.ts';
import { type OrderRecord, OrderStatus } from '../../../src/state/order-registry.ts';
import { VenueLink, type VenueLinkOptions } from '../../../src/venue/link.ts';
import { makeFixture } from '../../pipeline/fixture.ts';
import { FakeVenue } from './fake-venue.ts';
import type { RecordingOwner } from './recording-owner.ts';
import { waitUntil } from './wait.ts';

const MARKETS: Record<string, number> = { 'BTC-PERP': 0, 'ETH-PERP': 1 };

/** A registry, a router, a link and a fake venue, all torn down after the test. */
export async function setupRouter(t: TestContext, linkOptions: Partial<VenueLinkOptions> = {}) {
  const fx = makeFixture();
  /** The router's log lines, as "level message". */
  const logged: string[] = [];
  const mm2: AccountState = { ...fx.account, id: 'MM2', index: 1 };
  const accounts = [fx.account, mm2];
  const venue = await FakeVenue.start();
  const router = new OrderRouter({
    orders: fx.orders,
    tables: fx.tables,
    marketIndexOf: (symbol) => MARKETS[symbol] ?? -1,
    accountIdOf: (index) => accounts[index]?.id,
    log: (level, _fields, message) => logged.push(`${level} ${message}`),
  });
  const link = new VenueLink({
    host: '127.0.0.1',
    port: venue.port,
    timeoutMs: 10_000,
    firewallId: 'fw-router-test',
    handler: router,
    heartbeatMs: 50,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    ...linkOptions,
  });
  router.attach(link);
  t.after(async () => {
    await link.stop();
    await venue.close();
  });
  link.start();
  await waitUntil(() => link.isUp, 'the link to come up');

  /** Submits a new order (a limit buy of 1000 lots at 130,000 unless told otherwise); returns its record. */
  function place(owner: RecordingOwner | null, fields: Partial<OrderRequest> = {}): OrderRecord {
    const req = fx.newOrder(fields);
    assert.equal(router.submitNewOrder(req, owner), PASS);
    const record = fx.orders.findLive(req.account!.index, req.clOrdId);
    assert.ok(record, `order ${req.clOrdId} is registered`);
    return record;
  }

  /** Places an order and waits for the venue's ack. */
  async function placeAcked(owner: RecordingOwner, fields: Partial<OrderRequest> = {}): Promise<OrderRecord> {
    const before = owner.of('accepted').length;
    const record = place(owner, fields);
    await waitUntil(() => owner.of('accepted').length === before + 1, `the ack of ${record.clOrdId}`);
    assert.equal(record.status, OrderStatus.NEW);
    return record;
  }

  /** Open orders, open buy and sell lots and position of an account in a market. */
  function counters(accountIndex = 0, marketIndex = 0) {
    return {
      openOrders: fx.tables.openOrderCount(accountIndex),
      openBuy: fx.tables.openBuyLots(accountIndex, marketIndex),
      openSell: fx.tables.openSellLots(accountIndex, marketIndex),
      position: fx.tables.positionLots(accountIndex, marketIndex),
    };
  }

  return { fx, mm2, venue, router, link, place, placeAcked, counters, logged };
}
