// The venue link over real TCP against a controllable fake venue: handshake,
// reconnects, heartbeats, timeouts, exactly-once outcomes, bad input and the
// bounded outbound queue (SPEC section 6).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, type TestContext, test } from 'node:test';
import { Builder } from 'flatbuffers';
import { OrderType, Side, TimeInForce } from '../../src/pipeline/request.ts';
import { VENUE_PROTOCOL_VERSION, VenueEncoder } from '../../src/venue/codec.ts';
import { Envelope } from '../../src/venue/generated/portcullis/venue/envelope.ts';
import type { Message } from '../../src/venue/generated/portcullis/venue/message.ts';
import { RequestKind, VenueLink, type VenueLinkOptions } from '../../src/venue/link.ts';
import { FakeVenue, type FakeVenueOptions } from './support/fake-venue.ts';
import { RecordingHandler } from './support/recording-handler.ts';
import { sleep, waitUntil } from './support/wait.ts';

interface Setup {
  venue: FakeVenue;
  link: VenueLink;
  handler: RecordingHandler;
}

/** A fake venue and a link to it, both torn down after the test. */
async function setup(
  t: TestContext,
  linkOptions: Partial<VenueLinkOptions> = {},
  venueOptions: FakeVenueOptions = {},
  { start = true, waitUp = true } = {},
): Promise<Setup> {
  const venue = await FakeVenue.start(venueOptions);
  const handler = new RecordingHandler();
  const link = new VenueLink({
    host: '127.0.0.1',
    port: venue.port,
    timeoutMs: 200,
    firewallId: 'fw-link-test',
    handler,
    heartbeatMs: 50,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    ...linkOptions,
  });
  t.after(async () => {
    await link.stop();
    await venue.close();
  });
  if (start) link.start();
  if (start && waitUp) await waitUntil(() => link.isUp, 'the link to come up');
  return { venue, link, handler };
}

let nextClientContext = 1;

/** A limit buy of 1 lot at 100 ticks; returns the order id, or 0 when the link refused it. */
function sendOrder(link: VenueLink, qtyLots = 1): number {
  const orderId = link.nextId();
  const sent = link.sendNewOrder(
    orderId,
    'MM1',
    'BTC-PERP',
    Side.BUY,
    OrderType.LIMIT,
    TimeInForce.GTC,
    false,
    100,
    qtyLots,
    { client: nextClientContext++ },
  );
  return sent ? orderId : 0;
}

function assertExactlyOnce(handler: RecordingHandler, sent: number[]): void {
  const outcomes = handler.outcomeIds();
  assert.equal(new Set(outcomes).size, outcomes.length, `an outcome was reported twice: ${outcomes}`);
  assert.deepEqual(
    [...outcomes].sort((a, b) => a - b),
    [...sent].sort((a, b) => a - b),
  );
}

describe('venue link: handshake', () => {
  test('sends Hello on connect and is up only once the venue has answered with its Hello', async (t) => {
    // A long heartbeat: the venue stays silent for a while on purpose.
    const { venue, link, handler } = await setup(
      t,
      { heartbeatMs: 1000 },
      { sendHello: false },
      { waitUp: false },
    );
    await waitUntil(() => venue.hellos.length === 1, 'the firewall Hello');
    assert.deepEqual(venue.hellos[0]!.message, {
      kind: 'hello',
      firewallId: 'fw-link-test',
      protocolVersion: VENUE_PROTOCOL_VERSION,
    });
    assert.equal(link.stats.connects, 1);
    await sleep(30);
    assert.equal(link.isUp, false, 'connected but no Hello from the venue yet');
    assert.equal(sendOrder(link), 0);
    assert.equal(link.stats.refusedWhileDown, 1);
    assert.equal(handler.ups.length, 0);
    assert.equal(venue.requests.length, 0);

    venue.send([{ kind: 'hello', firewallId: 'late-venue', protocolVersion: VENUE_PROTOCOL_VERSION }]);
    await waitUntil(() => link.isUp, 'the link to come up');
    assert.equal(handler.ups.length, 1);
    const orderId = sendOrder(link);
    assert.ok(orderId > 0);
    await waitUntil(() => handler.answers.length === 1, 'the ack');
    assert.deepEqual(handler.answers[0]!.event, { kind: 'ack', requestId: orderId, orderId });
  });

  test('a venue speaking another protocol version is dropped and retried with growing backoff', async (t) => {
    const minMs = 10;
    const maxMs = 80;
    const { venue, link, handler } = await setup(
      t,
      { reconnectMinMs: minMs, reconnectMaxMs: maxMs },
      { protocolVersion: VENUE_PROTOCOL_VERSION + 1 },
      { waitUp: false },
    );
    await venue.waitForConnections(6, 3000);
    assert.equal(link.isUp, false);
    assert.equal(handler.ups.length, 0);
    assert.equal(handler.downs.length, 0, 'never up, nothing in flight: no onLinkDown');
    assert.equal(link.stats.disconnects, 0);
    // Each retry waits at least half the current backoff, which doubles up to the cap.
    const accepted = venue.hellos.map((h) => h.atMs);
    for (let k = 0; k + 1 < Math.min(accepted.length, 6); k++) {
      const floor = Math.min(minMs * 2 ** k, maxMs) / 2;
      const gap = accepted[k + 1]! - accepted[k]!;
      assert.ok(gap >= floor - 2, `retry ${k + 1} came ${gap} ms after the previous, before ${floor} ms`);
    }

    venue.protocolVersion = VENUE_PROTOCOL_VERSION;
    await waitUntil(() => link.isUp, 'the link to come up once the versions match', 3000);
    assert.equal(handler.ups.length, 1);
  });

  test('a venue that accepts the connection but never says Hello is dropped and retried', async (t) => {
    const { venue, link, handler } = await setup(
      t,
      { heartbeatMs: 30 },
      { sendHello: false },
      { waitUp: false },
    );
    await venue.waitForConnections(2, 3000);
    assert.equal(link.isUp, false);
    assert.equal(venue.heartbeats.length, 0, 'no heartbeats before the handshake');
    assert.equal(handler.downs.length, 0, 'never up, nothing in flight: no onLinkDown');
    venue.sendHello = true;
    await waitUntil(() => link.isUp, 'the link to come up once the venue says Hello', 3000);
  });
});

describe('venue link: reconnects', () => {
  test('reconnects with backoff after the venue closes the connection', async (t) => {
    const { venue, link, handler } = await setup(t, { reconnectMinMs: 20, reconnectMaxMs: 40 });
    venue.killConnections();
    await waitUntil(() => handler.downs.length === 1, 'onLinkDown');
    assert.equal(link.isUp, false);
    assert.deepEqual(handler.downs[0]!.inFlight, []);
    await waitUntil(() => link.isUp, 'the link to come back');
    assert.equal(venue.connections.length, 2);
    assert.equal(venue.hellos.length, 2, 'Hello again on the new connection');
    assert.ok(venue.hellos[1]!.atMs - handler.downs[0]!.atMs >= 20 / 2 - 2, 'waited out the backoff');
    assert.equal(link.stats.connects, 2);
    assert.equal(link.stats.disconnects, 1);
    assert.equal(handler.ups.length, 2);
    const orderId = sendOrder(link);
    await waitUntil(() => handler.answers.length === 1, 'the ack on the new connection');
    assert.equal(handler.answers[0]!.request.orderId, orderId);
  });

  test('reconnects after the venue restarts on the same port', async (t) => {
    const { venue, link, handler } = await setup(t);
    const port = venue.port;
    await venue.close();
    await waitUntil(() => !link.isUp, 'the link to go down');
    await sleep(60); // a few refused connection attempts
    assert.equal(link.isUp, false);
    assert.equal(sendOrder(link), 0);

    const restarted = await FakeVenue.start({ port });
    t.after(() => restarted.close());
    await waitUntil(() => link.isUp, 'the link to reach the restarted venue', 3000);
    assert.equal(restarted.hellos.length, 1);
    assert.equal(handler.ups.length, 2);
    const orderId = sendOrder(link);
    await waitUntil(() => handler.answers.length === 1, 'the ack from the restarted venue');
    assert.equal(handler.answers[0]!.request.orderId, orderId);
    assert.equal(restarted.received('newOrder').length, 1);
  });

  test('while down, every request is refused at once and counted', async (t) => {
    const { venue, link, handler } = await setup(t, {}, {}, { start: false });
    assert.equal(link.isUp, false);
    assert.equal(sendOrder(link), 0);
    assert.equal(link.sendCancel(1, null), null);
    assert.equal(link.sendReplace(1, 100, 2, null), null);
    assert.equal(link.sendMassCancel('MM1', '', null), null);
    assert.equal(link.stats.refusedWhileDown, 4);
    assert.equal(link.inFlightCount, 0);

    link.start();
    await waitUntil(() => link.isUp, 'the link to come up');
    await venue.close();
    await waitUntil(() => !link.isUp, 'the link to go down');
    assert.equal(sendOrder(link), 0);
    assert.equal(link.sendCancel(1, null), null);
    assert.equal(link.stats.refusedWhileDown, 6);
    await sleep(30);
    assert.equal(venue.requests.length, 0);
    assert.equal(handler.timeouts.length, 0, 'a refused request has no other outcome');
    assert.ok(handler.downs.every((d) => d.inFlight.length === 0));
  });
});

describe('venue link: heartbeats', () => {
  test('sends a heartbeat every heartbeatMs and stays up while the venue answers', async (t) => {
    const heartbeatMs = 50;
    const { venue, link, handler } = await setup(t, { heartbeatMs });
    await waitUntil(() => venue.heartbeats.length >= 6, '6 heartbeats');
    assert.equal(link.isUp, true);
    assert.equal(link.stats.disconnects, 0);
    assert.equal(handler.downs.length, 0);
    const ids = venue.heartbeats.map((h) => h.message.requestId);
    assert.deepEqual(
      ids,
      ids.map((_, i) => i + 1),
    );
    for (let i = 1; i < venue.heartbeats.length; i++) {
      const gap = venue.heartbeats[i]!.atMs - venue.heartbeats[i - 1]!.atMs;
      assert.ok(gap >= heartbeatMs / 2, `heartbeats ${gap} ms apart`);
    }
    // Heartbeat answers are not events for the handler.
    assert.equal(handler.events.length, 0);
  });

  test('a venue silent for three heartbeat intervals is dropped, and the link reconnects', async (t) => {
    const heartbeatMs = 50;
    const { venue, link, handler } = await setup(t, { heartbeatMs }, { answerHeartbeats: false });
    await waitUntil(() => handler.downs.length === 1, 'the silent venue to be dropped');
    assert.ok(handler.downs[0]!.atMs - handler.ups[0]! >= 3 * heartbeatMs - 2, 'not dropped early');
    assert.ok(venue.heartbeats.length >= 2, 'heartbeats were sent while the venue was silent');
    assert.equal(link.stats.disconnects, 1);
    await venue.waitForConnections(2);
    await waitUntil(() => link.isUp, 'the link to come back');
  });

  test('a stall of this process longer than the silence limit does not drop a venue that kept talking', async (t) => {
    // The venue runs in its own process, so its heartbeats keep arriving while this one stalls.
    const venue = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/venue/simulator/server.ts')
          .then((m) => m.startVenueSimulator({ port: 0, heartbeatMs: 20, silenceTimeoutMs: 60_000 }))
          .then((s) => console.log(s.port));`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    t.after(() => venue.kill());
    const port = await new Promise<number>((resolve, reject) => {
      venue.stdout!.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
      venue.once('exit', (code) => reject(new Error(`the venue process exited (${code})`)));
    });
    const heartbeatMs = 50;
    const logged: string[] = [];
    const link = new VenueLink({
      host: '127.0.0.1',
      port,
      timeoutMs: 1000,
      firewallId: 'fw-stall-test',
      handler: new RecordingHandler(),
      heartbeatMs,
      log: (level, _f, message) => logged.push(`${level} ${message}`),
    });
    t.after(() => link.stop());
    link.start();
    await waitUntil(() => link.isUp, 'the link to come up');
    // Busy for eight heartbeat intervals: the venue's heartbeats wait in the socket.
    const until = Date.now() + 8 * heartbeatMs;
    while (Date.now() < until) {}
    await sleep(2 * heartbeatMs);
    assert.equal(link.stats.disconnects, 0, logged.join('; '));
    assert.equal(link.isUp, true);
  });

  test('any byte from the venue counts as alive (events keep an unanswered-heartbeat link up)', async (t) => {
    const heartbeatMs = 50;
    const { venue, link, handler } = await setup(t, { heartbeatMs }, { answerHeartbeats: false });
    for (let i = 0; i < 8; i++) {
      venue.send([{ kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 1000 + i }]);
      await sleep(heartbeatMs / 2);
    }
    assert.equal(link.isUp, true);
    assert.equal(handler.downs.length, 0);
    assert.equal(handler.events.length, 8);
  });

  test("the venue's own heartbeats keep the link up and answer no request, whatever their id", async (t) => {
    const heartbeatMs = 50;
    const logged: string[] = [];
    const { venue, link, handler } = await setup(
      t,
      {
        heartbeatMs,
        timeoutMs: 60_000,
        log: (level, _fields, message) => logged.push(`${level} ${message}`),
      },
      { answerHeartbeats: false },
    );
    venue.decide = () => 'hold';
    const orderId = sendOrder(link);
    await venue.waitForRequests(1);
    // request_id 0 (the simulator's own), and one equal to the order's: the firewall's heartbeat
    // ids and request ids are counted apart, so an echo may carry the id of a request in flight.
    for (let i = 0; i < 12; i++) {
      venue.send([{ kind: 'heartbeat', requestId: i % 2 === 0 ? 0 : orderId, timestampNs: BigInt(i) }]);
      await sleep(heartbeatMs / 2);
    }
    assert.equal(link.isUp, true, 'six intervals of nothing but heartbeats from the venue');
    assert.equal(handler.downs.length, 0);
    assert.equal(handler.events.length, 0);
    assert.equal(handler.answers.length, 0);
    assert.equal(link.inFlightCount, 1);
    assert.deepEqual(
      logged.filter((line) => !line.startsWith('info')),
      [],
    );

    venue.release();
    await waitUntil(() => handler.answers.length === 1, 'the held order to be answered');
    assert.equal(handler.answers[0]!.request.requestId, orderId);
    assert.equal(handler.answers[0]!.event.kind, 'ack');
  });
});

describe('venue link: timeouts', () => {
  test('onTimeout exactly once after timeoutMs, then the late answer arrives with timedOut set', async (t) => {
    const timeoutMs = 100;
    const { venue, link, handler } = await setup(t, { timeoutMs });
    const slow = new Set<number>();
    venue.decide = (request) =>
      request.kind === 'newOrder' && slow.has(request.orderId) ? 'hold' : 'answer';
    const sentAt = Date.now();
    const a = link.nextId();
    const b = link.nextId();
    const c = link.nextId();
    slow.add(a).add(c);
    for (const orderId of [a, b, c]) {
      assert.equal(
        link.sendNewOrder(
          orderId,
          'MM1',
          'BTC-PERP',
          Side.SELL,
          OrderType.LIMIT,
          TimeInForce.GTC,
          false,
          5,
          1,
          {
            orderId,
          },
        ),
        true,
      );
    }
    await waitUntil(() => handler.answers.length === 1, 'the answer to the quick order');
    assert.equal(handler.answers[0]!.request.orderId, b);
    assert.equal(handler.answers[0]!.timedOut, false);

    await waitUntil(() => handler.timeouts.length === 2, 'two timeouts');
    assert.deepEqual(
      handler.timeouts.map((x) => x.request.orderId),
      [a, c],
    );
    for (const timeout of handler.timeouts) {
      assert.ok(timeout.atMs - sentAt >= timeoutMs, `timed out after ${timeout.atMs - sentAt} ms`);
      assert.equal(timeout.request.timedOut, true);
      assert.equal(timeout.request.answered, false);
      assert.equal(timeout.request.kind, RequestKind.NEW_ORDER);
    }
    assert.equal(link.inFlightCount, 2, 'timed-out requests stay in flight');
    await sleep(2 * timeoutMs);
    assert.equal(handler.timeouts.length, 2, 'onTimeout once per request');
    assert.equal(link.stats.timeouts, 2);

    // The late answers, in an order of the venue's choosing.
    venue.release(
      (r) => r.kind === 'newOrder' && r.orderId === c,
      (r) => [{ kind: 'reject', requestId: r.requestId, orderId: c, reason: 'LATE_REJECT' }],
    );
    venue.release();
    await waitUntil(() => handler.answers.length === 3, 'the late answers');
    const late = handler.answers.slice(1);
    assert.deepEqual(
      late.map((x) => [x.request.orderId, x.event.kind, x.timedOut]),
      [
        [c, 'reject', true],
        [a, 'ack', true],
      ],
    );
    assert.deepEqual(late[1]!.request.context, { orderId: a }, 'the caller gets its context back');
    assert.equal(link.stats.lateAnswers, 2);
    assert.equal(link.inFlightCount, 0);
    await sleep(timeoutMs);
    assert.equal(handler.timeouts.length, 2);
  });

  test('a request left unanswered for ten timeouts is logged at error once; its late answer still lands', async (t) => {
    const timeoutMs = 60;
    const logged: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const { venue, link, handler } = await setup(t, {
      timeoutMs,
      heartbeatMs: 20,
      log: (level, fields, message) => void logged.push({ level, fields, message }),
    });
    venue.decide = (request) => (request.kind === 'newOrder' ? 'hold' : 'answer');
    const sentAt = Date.now();
    const answeredLate = sendOrder(link);
    const neverAnswered = sendOrder(link);
    await waitUntil(() => handler.timeouts.length === 2, 'both to time out');
    // One answered after its timeout but well before ten: not logged.
    venue.release((r) => r.kind === 'newOrder' && r.orderId === answeredLate);
    await waitUntil(() => handler.answers.length === 1, 'the late answer');
    const errors = () => logged.filter((x) => x.level === 'error');
    await waitUntil(() => errors().length === 1, 'the long-unanswered request to be logged', 5000);
    const [line] = errors();
    assert.ok(Date.now() - sentAt >= 10 * timeoutMs, 'not before ten timeouts');
    assert.match(line!.message, /has not answered a request/);
    assert.equal(line!.fields.requestId, neverAnswered);
    assert.equal(line!.fields.kind, 'newOrder');
    assert.ok((line!.fields.waitedMs as number) >= 10 * timeoutMs, `waited ${line!.fields.waitedMs} ms`);
    assert.equal(link.stats.longUnanswered, 1);
    assert.equal(link.inFlightCount, 1, 'it stays in flight, its order counted');
    await sleep(10 * timeoutMs);
    assert.equal(errors().length, 1, 'logged once');
    venue.release();
    await waitUntil(() => handler.answers.length === 2, 'the very late answer');
    assert.deepEqual(
      handler.answers.map((x) => [x.request.orderId, x.timedOut]),
      [
        [answeredLate, true],
        [neverAnswered, true],
      ],
    );
    assert.equal(link.inFlightCount, 0);
  });

  test('answered requests are let go as the answers arrive, not kept until the timeout', async (t) => {
    // A long timeout: the queue of deadlines must not hold answered requests (and what
    // they reference) for all that time. White-box: the queue is private.
    const { venue, link, handler } = await setup(t, { timeoutMs: 60_000 });
    const held = new Set<number>();
    venue.decide = (request) =>
      request.kind === 'newOrder' && held.has(request.orderId) ? 'hold' : 'answer';
    const queued = () =>
      (link as unknown as { deadlines: unknown[] }).deadlines.filter((r) => r !== undefined).length;
    const first = [sendOrder(link), sendOrder(link), sendOrder(link)];
    await waitUntil(() => handler.answers.length === 3, 'three answers');
    assert.equal(queued(), 0, 'every answered request let go');
    // An unanswered request at the head keeps its place; answered ones behind it wait for it.
    // Marked held before the venue reads it: the link writes at the end of this turn.
    const slow = sendOrder(link);
    held.add(slow);
    assert.notEqual(slow, 0, 'the link refused the order');
    const quick = sendOrder(link);
    await waitUntil(() => handler.answers.length === 4, 'the quick answer');
    assert.equal(queued(), 2);
    venue.release();
    await waitUntil(() => handler.answers.length === 5, 'the held answer');
    assert.equal(queued(), 0);
    assert.deepEqual(
      handler.answers.map((a) => a.request.orderId),
      [...first, quick, slow],
    );
    assert.equal(handler.timeouts.length, 0);
  });

  test('cancels, replaces and mass cancels time out the same way', async (t) => {
    const { venue, link, handler } = await setup(t, { timeoutMs: 100 });
    venue.decide = () => 'hold';
    const cancel = link.sendCancel(7, 'cancel-ctx');
    const replace = link.sendReplace(7, 101, 3, 'replace-ctx');
    const mass = link.sendMassCancel('MM1', 'BTC-PERP', 'mass-ctx');
    assert.ok(cancel && replace && mass);
    await waitUntil(() => handler.timeouts.length === 3, 'three timeouts');
    assert.deepEqual(
      handler.timeouts.map((x) => x.request.kind),
      [RequestKind.CANCEL, RequestKind.REPLACE, RequestKind.MASS_CANCEL],
    );
    assert.deepEqual(venue.received('massCancel')[0], {
      kind: 'massCancel',
      requestId: mass.requestId,
      account: 'MM1',
      symbol: 'BTC-PERP',
    });
    venue.release();
    await waitUntil(() => handler.answers.length === 3, 'the late answers');
    assert.ok(handler.answers.every((x) => x.timedOut));
    assert.deepEqual(
      handler.answers.map((x) => x.request.context),
      ['cancel-ctx', 'replace-ctx', 'mass-ctx'],
    );
  });
});

describe('venue link: exactly one outcome per request', () => {
  test('when the venue dies mid-stream, each request is either answered or reported lost, once', async (t) => {
    const { venue, link, handler } = await setup(t, { timeoutMs: 10_000 });
    const sent: number[] = [];
    for (const [round, cutAt] of [
      [1, 30],
      [2, 1],
      [3, 57],
    ] as const) {
      let seen = 0;
      venue.decide = (request) => {
        seen++;
        if (seen === cutAt) return 'close';
        // Some answered at once, some held (in flight when the venue dies).
        return request.requestId % 3 === 0 ? 'hold' : 'answer';
      };
      const roundSent: number[] = [];
      for (let i = 0; i < 60; i++) {
        const orderId = sendOrder(link);
        assert.ok(orderId > 0);
        roundSent.push(orderId);
        if (i % 10 === 5) {
          const cancel = link.sendCancel(orderId, null);
          assert.ok(cancel);
          roundSent.push(cancel.requestId);
        }
      }
      const mass = link.sendMassCancel('MM1', '', null);
      assert.ok(mass);
      roundSent.push(mass.requestId);
      sent.push(...roundSent);
      await waitUntil(() => handler.downs.length === round, `the link to go down (round ${round})`);
      venue.held.length = 0;
      assert.equal(link.inFlightCount, 0);
      assertExactlyOnce(handler, sent);
      assert.ok(handler.downs[round - 1]!.inFlight.length > 0, 'some were in flight');
      await waitUntil(() => link.isUp, `the link to come back (round ${round})`);
    }
    assert.equal(new Set(sent).size, sent.length, 'request ids are unique across reconnects');
    await sleep(50);
    assert.equal(handler.timeouts.length, 0);
    assertExactlyOnce(handler, sent);
  });

  test('stop() reports what was in flight, once', async (t) => {
    const { venue, link, handler } = await setup(t, { timeoutMs: 10_000 });
    venue.decide = () => 'ignore';
    const sent = [sendOrder(link), sendOrder(link), link.sendCancel(1, null)!.requestId];
    await venue.waitForRequests(3);
    await link.stop();
    assert.equal(handler.downs.length, 1);
    assertExactlyOnce(handler, sent);
    await sleep(30);
    assert.equal(venue.connections.length, 1, 'no reconnect after stop');
  });

  test('an answer for an unknown request, or a second answer, is ignored without harm', async (t) => {
    const { venue, link, handler } = await setup(t);
    venue.send([
      { kind: 'ack', requestId: 999_999, orderId: 999_999 },
      { kind: 'reject', requestId: 888_888, orderId: 888_888, reason: 'WHO' },
      { kind: 'canceled', requestId: 777_777, orderId: 1 },
      { kind: 'replaced', requestId: 666_666, orderId: 1, priceTicks: 1, qtyLots: 1, leavesLots: 1 },
      { kind: 'massCancelDone', requestId: 555_555, count: 3 },
    ]);
    venue.decide = () => 'twice';
    const orderId = sendOrder(link);
    const cancel = link.sendCancel(orderId, null);
    assert.ok(cancel);
    await waitUntil(() => handler.answers.length >= 2, 'the answers');
    await sleep(30);
    assert.deepEqual(
      handler.answers.map((x) => x.request.requestId),
      [orderId, cancel.requestId],
    );
    assert.equal(handler.events.length, 0, 'stray answers are not passed on as events');
    assert.equal(link.isUp, true);
    assert.equal(link.stats.disconnects, 0);
    assert.equal(link.inFlightCount, 0);
  });

  test('unsolicited events reach onEvent: fills, cancels with requestId 0, reference prices', async (t) => {
    const { venue, link, handler } = await setup(t);
    const orderId = sendOrder(link, 5);
    await waitUntil(() => handler.answers.length === 1, 'the ack');
    venue.send([
      { kind: 'fill', orderId, qtyLots: 2, priceTicks: 100, leavesLots: 3, tradeId: 11 },
      { kind: 'canceled', requestId: 0, orderId },
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 101 },
    ]);
    await waitUntil(() => handler.events.length === 3, 'the events');
    assert.deepEqual(
      handler.events.map((e) => e.kind),
      ['fill', 'canceled', 'refPrice'],
    );
    assert.equal(handler.answers.length, 1);
  });
});

describe('venue link: reading', () => {
  test('events split across reads, and more at once than one read holds, all arrive whole and in order', async (t) => {
    // No heartbeats meanwhile: the venue's answer to one would land inside a split frame.
    const { venue, link, handler } = await setup(t, { heartbeatMs: 10_000 });
    const encoder = new VenueEncoder();
    const count = 3000;
    const frames: Buffer[] = [];
    for (let i = 1; i <= count; i++) {
      frames.push(Buffer.from(encoder.encode({ kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: i })));
    }
    const bytes = Buffer.concat(frames);
    assert.ok(bytes.length > 128 * 1024, 'the burst must span several reads');
    // The first frames a few bytes at a time, each piece its own read...
    const trickle = frames[0]!.length * 3 + 5;
    for (let at = 0; at < trickle; at += 7) {
      venue.sendRaw(bytes.subarray(at, Math.min(at + 7, trickle)));
      await sleep(2);
    }
    // ...then the rest in one write, more than one read buffer holds.
    venue.sendRaw(bytes.subarray(trickle));
    await waitUntil(() => handler.events.length === count, 'every event');
    assert.deepEqual(
      handler.events.map((e) => (e.kind === 'refPrice' ? e.priceTicks : -1)),
      Array.from({ length: count }, (_, i) => i + 1),
    );
    assert.equal(link.isUp, true);
  });
});

describe('venue link: a failing handler', () => {
  test('an exception while handling one message is logged, and the link goes on with the next', async (t) => {
    const logged: string[] = [];
    const { venue, link, handler } = await setup(t, {
      log: (level, _fields, message) => logged.push(`${level} ${message}`),
    });
    const record = handler.onEvent.bind(handler);
    handler.onEvent = (event) => {
      if (event.kind === 'refPrice' && event.priceTicks === 1) throw new Error('a bug in a door');
      record(event);
    };
    venue.send([
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 1 },
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 2 },
    ]);
    await waitUntil(() => handler.events.length === 1, 'the second event');
    assert.deepEqual(
      handler.events.map((e) => (e.kind === 'refPrice' ? e.priceTicks : -1)),
      [2],
    );
    assert.ok(logged.includes('error handling a venue message failed'), logged.join('; '));
    assert.equal(link.isUp, true);
    assert.equal(link.stats.disconnects, 0);
  });
});

describe('venue link: bad input from the venue', () => {
  for (const [name, bytes] of [
    ['bytes that are no Envelope', Buffer.from([4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef])],
    ['an empty frame', Buffer.from([0, 0, 0, 0])],
    ['a frame header announcing 2 GiB', Buffer.from([0, 0, 0, 0x80])],
  ] as const) {
    test(`${name} drops the link (in-flight requests reported lost) and it reconnects`, async (t) => {
      const { venue, link, handler } = await setup(t, { timeoutMs: 10_000 });
      venue.decide = () => 'hold';
      const orderId = sendOrder(link);
      await venue.waitForRequests(1);
      venue.sendRaw(bytes);
      await waitUntil(() => handler.downs.length === 1, 'the link to be dropped');
      assert.deepEqual(
        handler.downs[0]!.inFlight.map((r) => r.orderId),
        [orderId],
      );
      assert.equal(handler.answers.length, 0);
      await waitUntil(() => link.isUp, 'the link to come back');
      assert.equal(venue.connections.length, 2);
    });
  }

  test('garbage sent in answer to a request drops the link the same way', async (t) => {
    const { venue, link, handler } = await setup(t, { timeoutMs: 10_000 });
    venue.decide = (request) => (request.kind === 'cancel' ? 'garbage' : 'answer');
    const orderId = sendOrder(link);
    await waitUntil(() => handler.answers.length === 1, 'the ack');
    const cancel = link.sendCancel(orderId, null);
    assert.ok(cancel);
    await waitUntil(() => handler.downs.length === 1, 'the link to be dropped');
    assertExactlyOnce(handler, [orderId, cancel.requestId]);
    await waitUntil(() => link.isUp, 'the link to come back');
  });
});

describe('venue link: what the venue says is checked before it is acted on', () => {
  /** A link whose log lines are kept as "level message". */
  async function checkedSetup(t: TestContext, timeoutMs = 150) {
    const logged: string[] = [];
    const set = await setup(t, {
      timeoutMs,
      log: (level, _f, message) => logged.push(`${level} ${message}`),
    });
    return { ...set, logged };
  }

  test('an answer of the wrong kind, or about another order, settles nothing: the request times out, then its real answer lands', async (t) => {
    const { venue, link, handler, logged } = await checkedSetup(t);
    venue.decide = () => 'hold';
    const orderId = sendOrder(link);
    await venue.waitForRequests(1);
    venue.send([
      { kind: 'canceled', requestId: orderId, orderId },
      { kind: 'massCancelDone', requestId: orderId, count: 3 },
      { kind: 'replaced', requestId: orderId, orderId, priceTicks: 5, qtyLots: 5, leavesLots: 5 },
      { kind: 'ack', requestId: orderId, orderId: orderId + 1000 },
    ]);
    await waitUntil(() => handler.timeouts.length === 1, 'the timeout');
    assert.equal(handler.answers.length, 0, 'none of them answered the order');
    assert.equal(logged.filter((l) => /^error venue answered with /.test(l)).length, 4, logged.join('; '));
    assert.ok(
      logged.some((l) =>
        l.includes(`ack of order ${orderId + 1000} answers a new order of order ${orderId}`),
      ),
    );
    // Its own answer still lands, late.
    venue.send([{ kind: 'ack', requestId: orderId, orderId }]);
    await waitUntil(() => handler.answers.length === 1, 'the real ack');
    assert.equal(handler.answers[0]!.timedOut, true);
    assert.equal(link.isUp, true);
  });

  test('a cancel, a replace and a mass cancel each take only their own kind of answer (or a reject)', async (t) => {
    const { venue, link, handler } = await checkedSetup(t, 10_000);
    const orderId = sendOrder(link);
    await waitUntil(() => handler.answers.length === 1, 'the ack');
    venue.decide = () => 'hold';
    const cancel = link.sendCancel(orderId, null)!;
    const replace = link.sendReplace(orderId, 100, 2, null)!;
    const mass = link.sendMassCancel('MM1', '', null)!;
    await venue.waitForRequests(4);
    venue.send([
      { kind: 'ack', requestId: cancel.requestId, orderId },
      { kind: 'canceled', requestId: replace.requestId, orderId },
      { kind: 'replaced', requestId: mass.requestId, orderId, priceTicks: 100, qtyLots: 2, leavesLots: 2 },
    ]);
    await sleep(50);
    assert.equal(handler.answers.length, 1, 'still only the ack');
    venue.send([
      { kind: 'reject', requestId: cancel.requestId, orderId, reason: 'UNKNOWN_ORDER' },
      { kind: 'replaced', requestId: replace.requestId, orderId, priceTicks: 100, qtyLots: 2, leavesLots: 2 },
      { kind: 'massCancelDone', requestId: mass.requestId, count: 1 },
    ]);
    await waitUntil(() => handler.answers.length === 4, 'the three real answers');
    assert.deepEqual(
      handler.answers.slice(1).map((a) => [a.request.kind, a.event.kind]),
      [
        [RequestKind.CANCEL, 'reject'],
        [RequestKind.REPLACE, 'replaced'],
        [RequestKind.MASS_CANCEL, 'massCancelDone'],
      ],
    );
  });

  test('impossible numbers are logged and not acted on; the link stays up', async (t) => {
    const { venue, link, handler, logged } = await checkedSetup(t);
    venue.send([
      { kind: 'fill', orderId: 1, qtyLots: 0, priceTicks: 100, leavesLots: 0, tradeId: 1 },
      { kind: 'fill', orderId: 1, qtyLots: -300, priceTicks: 100, leavesLots: 0, tradeId: 2 },
      { kind: 'fill', orderId: 1, qtyLots: 1, priceTicks: -5, leavesLots: 0, tradeId: 3 },
      { kind: 'fill', orderId: 1, qtyLots: 1, priceTicks: 100, leavesLots: -1, tradeId: 4 },
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 0 },
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: -7 },
      { kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 130_000 },
    ]);
    await waitUntil(() => handler.events.length === 1, 'the one possible event');
    assert.deepEqual(handler.events, [{ kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 130_000 }]);
    assert.deepEqual(
      logged.filter((l) => l.startsWith('error venue sent')),
      [
        'error venue sent a fill of 0 lots; ignored',
        'error venue sent a fill of -300 lots; ignored',
        'error venue sent a fill at -5 ticks; ignored',
        'error venue sent a fill leaving -1 lots; ignored',
        'error venue sent a reference price of 0 ticks; ignored',
        'error venue sent a reference price of -7 ticks; ignored',
      ],
    );
    // A replace answer that leaves more than its quantity is no answer: the replace times out.
    const orderId = sendOrder(link);
    await waitUntil(() => handler.answers.length === 1, 'the ack');
    venue.decide = () => 'hold';
    const replace = link.sendReplace(orderId, 100, 2, null)!;
    await venue.waitForRequests(2);
    venue.send([
      { kind: 'replaced', requestId: replace.requestId, orderId, priceTicks: 100, qtyLots: 2, leavesLots: 3 },
    ]);
    await waitUntil(() => handler.timeouts.length === 1, 'the replace to time out');
    assert.ok(logged.includes('error venue sent a replace to 2 lots leaving 3; ignored'), logged.join('; '));
    assert.equal(link.isUp, true);
    assert.equal(link.stats.disconnects, 0);
  });

  test("a newer venue's message type is skipped, and a request sent by the venue ignored, without dropping the link", async (t) => {
    const { venue, link, handler, logged } = await checkedSetup(t);
    const b = new Builder(64);
    const body = b.createString('from a newer schema');
    Envelope.startEnvelope(b);
    Envelope.addMessageType(b, 99 as Message);
    Envelope.addMessage(b, body);
    b.finish(Envelope.endEnvelope(b));
    const envelope = b.asUint8Array();
    const frame = Buffer.alloc(4 + envelope.length);
    frame.writeUInt32LE(envelope.length, 0);
    frame.set(envelope, 4);
    venue.sendRaw(frame);
    venue.sendRaw(Buffer.from(new VenueEncoder().cancel(7, 7)));
    venue.send([{ kind: 'refPrice', symbol: 'BTC-PERP', priceTicks: 5 }]);
    await waitUntil(() => handler.events.length === 1, 'the event after them');
    assert.ok(
      logged.includes('warn venue sent a message type this firewall does not know; skipped'),
      logged.join('; '),
    );
    assert.ok(logged.includes('warn venue sent a request; ignored'), logged.join('; '));
    assert.equal(link.isUp, true);
    assert.equal(link.stats.disconnects, 0);
  });

  test('each failed connection attempt is logged with its number and the next delay', async (t) => {
    // A port nobody listens on: a fake venue's, closed.
    const closed = await FakeVenue.start();
    const port = closed.port;
    await closed.close();
    const logged: { message: string; fields: Record<string, unknown> }[] = [];
    const link = new VenueLink({
      host: '127.0.0.1',
      port,
      timeoutMs: 200,
      firewallId: 'fw-link-test',
      handler: new RecordingHandler(),
      heartbeatMs: 50,
      reconnectMinMs: 10,
      reconnectMaxMs: 40,
      log: (_level, fields, message) => logged.push({ message, fields }),
    });
    t.after(() => link.stop());
    link.start();
    const failures = () => logged.filter((l) => l.message === 'venue link not established; retrying');
    await waitUntil(() => failures().length >= 3, 'three logged attempts');
    assert.deepEqual(
      failures()
        .slice(0, 3)
        .map((l) => l.fields.attempt),
      [1, 2, 3],
    );
    assert.match(String(failures()[0]!.fields.error), /ECONNREFUSED/);
    assert.equal(typeof failures()[0]!.fields.retryInMs, 'number');
  });
});

describe('venue link: bounded outbound queue', () => {
  test('with the venue not reading, new orders are refused once the queue is full; cancels get more room', async (t) => {
    const maxQueuedBytes = 32 * 1024;
    const { venue, link, handler } = await setup(t, {
      maxQueuedBytes,
      timeoutMs: 60_000,
      // The venue stops reading, so it stops answering heartbeats too: keep the link from calling it silent.
      heartbeatMs: 60_000,
    });
    venue.current!.pauseReading();
    let accepted = 0;
    let refused = false;
    // Far more than any kernel buffers hold: without a bound this would all be queued in memory.
    for (let i = 0; i < 400_000 && !refused; i++) {
      if (sendOrder(link) === 0) refused = true;
      else accepted++;
      if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(refused, `all of ${accepted} orders were queued`);
    assert.equal(link.stats.refusedQueueFull, 1);
    assert.equal(link.isUp, true, 'a slow venue is not a dead one');

    // Cancels still go: they may fill the queue up to twice the bound.
    let cancels = 0;
    while (link.sendCancel(1, null) !== null) {
      cancels++;
      assert.ok(cancels < 100_000, 'cancels were never refused');
    }
    assert.ok(cancels > 0, 'no room was left for cancels');
    assert.equal(link.stats.refusedQueueFull, 2);
    assert.equal(sendOrder(link), 0);
    assert.equal(link.sendReplace(1, 100, 2, null), null, 'a replace adds risk: the new-order bound');
    const roughlyRoomForCancels = Math.floor(maxQueuedBytes / 200);
    assert.ok(cancels >= roughlyRoomForCancels, `only ${cancels} cancels fit`);

    // The venue reads again: everything queued arrives and is answered, and orders flow again.
    const expected = accepted + cancels;
    venue.current!.resumeReading();
    await waitUntil(() => handler.answers.length === expected, `${expected} answers`, 10_000);
    assert.equal(venue.requests.length, expected);
    assert.ok(sendOrder(link) > 0);
    assert.equal(link.inFlightCount, 1);
  });
});
