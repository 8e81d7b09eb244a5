// SPEC sections 3, 4 and 6 at the REST edge when the venue misbehaves:
// VENUE_TIMEOUT (504) from a venue that never answers, VENUE_UNAVAILABLE
// (503) while the link is down and for orders in flight when it drops, and
// clients that go away while their request waits on the venue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Credentials } from '../../src/client/credentials.ts';
import { startFirewallFixture } from '../helpers/firewall-fixture.ts';
import { FakeVenue, rejectWith } from '../venue/support/fake-venue.ts';
import {
  assertError,
  assertSuccess,
  authHeaders,
  clOrdId,
  eventually,
  rawExchange,
  rawHead,
  relaxLimits,
  signed,
  sleep,
} from './support/rest-harness.ts';
import { type SilentVenue, startSilentVenue } from './support/silent-venue.ts';

type Fixture = Awaited<ReturnType<typeof startFirewallFixture>>;

const order = () => ({
  clOrdId: clOrdId('venue'),
  symbol: 'BTC-PERP',
  side: 'buy',
  type: 'limit',
  qty: '0.001',
  price: '1000',
});

/**
 * A FakeVenue and a firewall in front of it (limits relaxed), with MM1's REST key; `lines`
 * collects the firewall's log at info, when given.
 */
async function fakeVenueFirewall(options: { venueTimeoutMs?: number; lines?: object[] }) {
  const venue = await FakeVenue.start();
  const { venueTimeoutMs, lines } = options;
  const fx = await startFirewallFixture({
    configure: (config) => {
      relaxLimits(config);
      if (venueTimeoutMs !== undefined) config.venue.timeoutMs = venueTimeoutMs;
    },
    firewall: {
      venuePort: venue.port,
      ...(lines === undefined
        ? {}
        : { log: pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) }),
    },
  });
  return { venue, fx, port: fx.firewall.port, mm1: fx.credentials['MM1-rest']! };
}

async function stopFakeVenueFirewall(venue: FakeVenue, fx: Fixture): Promise<void> {
  await fx.stop();
  await venue.close();
}

describe('VENUE_TIMEOUT (504) from a venue that never answers', () => {
  let silent: SilentVenue;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  before(async () => {
    silent = await startSilentVenue();
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        config.venue.timeoutMs = 200;
      },
      firewall: { venuePort: silent.port },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(async () => {
    await fx.stop();
    await silent.close();
  });

  it('an order, a cancel and a cancel-all each answer 504 VENUE_TIMEOUT', async () => {
    const body = order();
    const res = await signed(port, mm1, 'POST', '/api/v1/orders', { body });
    const { message } = assertError(res, 504, 'VENUE_TIMEOUT');
    assert.match(message, /unknown/, 'the status is unknown');
    assert.ok(silent.ignored.includes('newOrder'), 'the order did reach the venue');
    // The order is known (status unknown until reconciled): readable, and it counts as live.
    const view = assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${body.clOrdId}`), 200);
    assert.equal(view.clOrdId, body.clOrdId);
    // Its clOrdId is taken.
    assertError(await signed(port, mm1, 'POST', '/api/v1/orders', { body }), 409, 'DUPLICATE_CLORDID');
    assertError(await signed(port, mm1, 'DELETE', `/api/v1/orders/${body.clOrdId}`), 504, 'VENUE_TIMEOUT');
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders/cancel-all', { body: {} }),
      504,
      'VENUE_TIMEOUT',
    );
  });

  it('a client that leaves while its order waits on the venue does not hurt the server', async () => {
    const before = silent.ignored.length;
    const bytes = Buffer.from(JSON.stringify(order()));
    const head = rawHead('POST', '/api/v1/orders', {
      ...authHeaders(mm1, 'POST', '/api/v1/orders', bytes),
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.length),
    });
    // The whole request is sent; the client hangs up before the venue (never) answers.
    const gone = await rawExchange(port, [head, bytes], { timeoutMs: 50 }).catch((e: Error) => e);
    assert.ok(gone instanceof Error);
    await eventually(() => (silent.ignored.length > before ? true : undefined), 'the order at the venue');
    // Past the venue timeout, whose answer now has nobody to go to.
    await sleep(300);
    assertSuccess(await signed(port, mm1, 'GET', '/api/v1/limits'), 200);
    assertError(await signed(port, mm1, 'POST', '/api/v1/orders', { body: order() }), 504, 'VENUE_TIMEOUT');
  });
});

describe('VENUE_TIMEOUT, then the late answer: the order is reconciled (SPEC section 3)', () => {
  let venue: FakeVenue;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  before(async () => {
    ({ venue, fx, port, mm1 } = await fakeVenueFirewall({ venueTimeoutMs: 150 }));
  });
  after(() => stopFakeVenueFirewall(venue, fx));

  it('a late ack makes the order live, a late reject makes it rejected, as GET then shows', async () => {
    venue.decide = () => 'hold';
    const acked = order();
    const refused = order();
    for (const body of [acked, refused]) {
      assertError(await signed(port, mm1, 'POST', '/api/v1/orders', { body }), 504, 'VENUE_TIMEOUT');
    }
    const [first, second] = venue.received('newOrder');
    venue.releaseRequest(first!.requestId);
    venue.releaseRequest(second!.requestId, rejectWith('LATE'));
    const statusOf = async (clOrdId: string) =>
      assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${clOrdId}`), 200).status;
    await eventually(
      async () => ((await statusOf(refused.clOrdId)) === 'rejected' ? true : undefined),
      'the reject',
    );
    assert.equal(await statusOf(acked.clOrdId), 'new');
    // The acknowledged order is live at the venue: it cancels as any other.
    venue.decide = () => 'answer';
    assert.equal(
      assertSuccess(await signed(port, mm1, 'DELETE', `/api/v1/orders/${acked.clOrdId}`), 200).status,
      'canceled',
    );
  });
});

describe('an event about an order before its ack', () => {
  let venue: FakeVenue;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  const lines: { msg: string; clOrdId?: string }[] = [];
  before(async () => {
    ({ venue, fx, port, mm1 } = await fakeVenueFirewall({ venueTimeoutMs: 10_000, lines }));
  });
  after(() => stopFakeVenueFirewall(venue, fx));

  const statusOf = async (clOrdId: string) =>
    assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${clOrdId}`), 200);

  it('a fill answers the POST 201 (the venue has the order); the ack then changes nothing', async () => {
    venue.decide = () => 'hold';
    const body = order();
    const answer = signed(port, mm1, 'POST', '/api/v1/orders', { body });
    await venue.waitForRequests(venue.received('newOrder').length + 1);
    const sent = venue.received('newOrder').at(-1)!;
    // 0.001 BTC is one lot; 1000 is 2000 ticks of 0.5.
    venue.send([
      { kind: 'fill', orderId: sent.orderId, qtyLots: 1, priceTicks: 2000, leavesLots: 0, tradeId: 7 },
    ]);
    const created = assertSuccess(await answer, 201);
    assert.deepEqual([created.clOrdId, created.status], [body.clOrdId, 'new']);
    venue.releaseRequest(sent.requestId);
    const view = await statusOf(body.clOrdId);
    assert.deepEqual([view.status, view.filledQty, view.leavesQty], ['filled', '0.001', '0']);
  });

  it('a reject after a fill: the trade stands, the rest is canceled, and the log says why', async () => {
    venue.decide = () => 'hold';
    const body = { ...order(), qty: '0.002' };
    const answer = signed(port, mm1, 'POST', '/api/v1/orders', { body });
    await venue.waitForRequests(venue.received('newOrder').length + 1);
    const sent = venue.received('newOrder').at(-1)!;
    venue.send([
      { kind: 'fill', orderId: sent.orderId, qtyLots: 1, priceTicks: 2000, leavesLots: 1, tradeId: 8 },
    ]);
    assert.equal(assertSuccess(await answer, 201).status, 'new');
    venue.releaseRequest(sent.requestId, rejectWith('CHANGED_ITS_MIND'));
    await eventually(
      async () => ((await statusOf(body.clOrdId)).status === 'canceled' ? true : undefined),
      'the cancel',
    );
    const view = await statusOf(body.clOrdId);
    assert.deepEqual([view.filledQty, view.leavesQty], ['0.001', '0']);
    assert.ok(
      lines.some(
        (l) => l.clOrdId === body.clOrdId && /rejected an order it had already reported/.test(l.msg),
      ),
    );
  });
});

/** The answer a log line records: the body the response would have carried. */
interface LoggedAnswer {
  clOrdId?: string;
  status?: string;
  error?: { code: string };
}

describe('an answer that finds its client gone is logged', () => {
  let venue: FakeVenue;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  const lines: { level: number; msg: string; requestId?: string; status?: number; answer?: LoggedAnswer }[] =
    [];
  before(async () => {
    ({ venue, fx, port, mm1 } = await fakeVenueFirewall({ lines }));
  });
  after(() => stopFakeVenueFirewall(venue, fx));

  /** Sends the order and hangs up while the venue holds it; returns the venue's request id. */
  async function orderThenHangUp(body: ReturnType<typeof order>): Promise<number> {
    const held = venue.received('newOrder').length;
    const bytes = Buffer.from(JSON.stringify(body));
    const head = rawHead('POST', '/api/v1/orders', {
      ...authHeaders(mm1, 'POST', '/api/v1/orders', bytes),
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.length),
    });
    const gone = await rawExchange(port, [head, bytes], { timeoutMs: 50 }).catch((e: Error) => e);
    assert.ok(gone instanceof Error, 'no answer before the hang-up');
    const request = await eventually(() => venue.received('newOrder')[held], 'the order at the venue');
    return request.requestId;
  }

  const undelivered = (clOrdId: string) =>
    eventually(
      () => lines.find((l) => /not delivered/.test(l.msg) && l.answer?.clOrdId === clOrdId),
      `the log line for ${clOrdId}`,
    );

  it('an ack the client left before is logged with its status and answer, at warn', async () => {
    venue.decide = () => 'hold';
    const body = order();
    const requestId = await orderThenHangUp(body);
    venue.releaseRequest(requestId);
    const line = await undelivered(body.clOrdId);
    assert.equal(line.level, 40, 'warn');
    assert.equal(line.status, 201);
    assert.equal(line.answer?.status, 'new');
    assert.match(line.requestId ?? '', /.-./, 'the request id the response would have carried');
    // The order is live all the same, as GET shows.
    assert.equal(
      assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${body.clOrdId}`), 200).status,
      'new',
    );
  });

  it('so is a venue reject, with its code', async () => {
    venue.decide = () => 'hold';
    const body = order();
    const requestId = await orderThenHangUp(body);
    venue.releaseRequest(requestId, rejectWith('LATE'));
    const line = await eventually(
      () => lines.find((l) => /not delivered/.test(l.msg) && l.status === 422),
      "the reject's log line",
    );
    assert.equal(line.answer?.error?.code, 'VENUE_REJECT');
  });
});

describe('VENUE_UNAVAILABLE (503) when the venue link is down', () => {
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  before(async () => {
    fx = await startFirewallFixture({ configure: relaxLimits });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(() => fx.stop());

  it('refuses new orders at once while the link is down; reads still work', async () => {
    const resting = order();
    assertSuccess(await signed(port, mm1, 'POST', '/api/v1/orders', { body: resting }), 201);
    await fx.venue.close();
    await eventually(() => (fx.firewall.link.isUp ? undefined : true), 'the venue link to drop');

    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: order() }),
      503,
      'VENUE_UNAVAILABLE',
    );
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders/cancel-all', { body: {} }),
      503,
      'VENUE_UNAVAILABLE',
    );
    // The venue dropped the lost link's orders: the resting order is canceled, and not cancelable again.
    const view = assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${resting.clOrdId}`), 200);
    assert.equal(view.status, 'canceled');
    assertError(await signed(port, mm1, 'DELETE', `/api/v1/orders/${resting.clOrdId}`), 404, 'UNKNOWN_ORDER');
    assertSuccess(await signed(port, mm1, 'GET', '/api/v1/limits'), 200);
    // Validation still comes first: a bad order is a 400, not a 503.
    assertError(
      await signed(port, mm1, 'POST', '/api/v1/orders', { body: { ...order(), qty: '0.0001' } }),
      400,
      'LOT_SIZE',
    );
  });
});

describe('VENUE_UNAVAILABLE (503) for an order in flight when the link drops', () => {
  let silent: SilentVenue;
  let fx: Fixture;
  let port: number;
  let mm1: Credentials;
  before(async () => {
    silent = await startSilentVenue();
    fx = await startFirewallFixture({
      configure: (config) => {
        relaxLimits(config);
        config.venue.timeoutMs = 600_000; // the link's loss, not the timeout, must end the wait
      },
      firewall: { venuePort: silent.port },
    });
    port = fx.firewall.port;
    mm1 = fx.credentials['MM1-rest']!;
  });
  after(async () => {
    await fx.stop();
    await silent.close();
  });

  it('answers the waiting request 503 when the venue goes away', async () => {
    const body = order();
    const pending = signed(port, mm1, 'POST', '/api/v1/orders', { body });
    await eventually(
      () => (silent.ignored.includes('newOrder') ? true : undefined),
      'the order at the venue',
    );
    await silent.close();
    assertError(await pending, 503, 'VENUE_UNAVAILABLE');
    const view = assertSuccess(await signed(port, mm1, 'GET', `/api/v1/orders/${body.clOrdId}`), 200);
    assert.equal(view.status, 'rejected');
  });
});
