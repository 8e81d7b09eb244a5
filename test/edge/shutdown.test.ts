// What clients hear when the firewall stops (SIGTERM, SIGINT): the venue drops
// the orders of a lost link, so each client is told the fate of each of its
// orders before its connection ends: FIX sessions get their live orders'
// cancels and then a Logout; a REST request waiting on the venue gets its
// answer (503 VENUE_UNAVAILABLE), not a reset connection.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionReport } from '../../src/client/fix-client.ts';
import { FakeVenue } from '../venue/support/fake-venue.ts';
import { Clients, clOrdId, limitBuy, startFixture } from './support/fix-harness.ts';
import { assertError, signed } from './support/rest-harness.ts';

describe('firewall shutdown', () => {
  it('a FIX session hears its live orders canceled, then the Logout', async () => {
    const fx = await startFixture();
    const clients = new Clients();
    try {
      const client = await clients.connect(fx, 'MM1-fix');
      const ids = [clOrdId('rest'), clOrdId('rest')];
      for (const id of ids) {
        client.newOrder(limitBuy(id));
        assert.equal((await client.waitFor('executionReport', (r) => r.clOrdId === id)).execType, '0');
      }
      const seen: string[] = [];
      const reports: ExecutionReport[] = [];
      client.on('executionReport', (r) => {
        reports.push(r);
        seen.push('report');
      });
      client.on('logout', () => seen.push('logout'));
      const stopped = fx.stop();
      const logout = await client.waitFor('logout');
      assert.match(logout.text ?? '', /shutting down/);
      await stopped;
      assert.deepEqual(seen, ['report', 'report', 'logout']);
      assert.deepEqual(
        reports.map((r) => [r.clOrdId, r.execType, r.ordStatus]).sort(),
        [
          [ids[0], '4', '4'],
          [ids[1], '4', '4'],
        ].sort(),
      );
    } finally {
      await clients.closeAll();
    }
  });

  it('a REST order waiting on the venue is answered 503 VENUE_UNAVAILABLE', async () => {
    const venue = await FakeVenue.start();
    const fx = await startFixture({ firewall: { venuePort: venue.port } });
    try {
      venue.decide = () => 'hold';
      const mm1 = fx.credentials['MM1-rest']!;
      const body = { ...limitBuy(clOrdId('inflight')) };
      const answer = signed(fx.firewall.port, mm1, 'POST', '/api/v1/orders', { body });
      await venue.waitForRequests(1);
      await fx.stop();
      const { message } = assertError(await answer, 503, 'VENUE_UNAVAILABLE');
      assert.match(message, /shutting down/);
    } finally {
      await venue.close();
    }
  });
});
