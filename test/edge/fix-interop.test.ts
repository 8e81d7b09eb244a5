// Interop (SPEC section 5): a third-party FIX engine, jspurefix, logs on to the
// firewall's FIX-over-WebSocket endpoint, trades and is refused as the wire
// contract says. jspurefix speaks FIX over TCP, so a bridge carries each of its
// messages as one WebSocket frame (and checks the framing of what comes back).
//
// jspurefix's own initiator session runs with its integrity checks on and the
// QuickFIX FIX44.xml dictionary it ships: it accepts a message only with the
// next MsgSeqNum, a right CheckSum, a known MsgType, only tags its dictionary
// puts in that message, every required tag and the right CompIDs, and it
// answers anything else with a Reject or a ResendRequest. So every test shows
// (assertNoObjections) that it wrote none, that the bridge found no framing
// fault, and that each field's format and enumerated value fit the dictionary.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Tag } from '../../src/fix/tags.ts';
import {
  clOrdId,
  compId,
  type Fixture,
  fixUrl,
  frameText,
  startFixture,
  TARGET,
  tradeReferencePrice,
  until,
} from './support/fix-harness.ts';
import { type Accepted, JspurefixInitiator } from './support/jspurefix-initiator.ts';
import { framingErrors, TcpWsBridge } from './support/tcp-ws-bridge.ts';

/** A field of an accepted message exactly as the firewall wrote it. */
function field(message: Accepted, tag: number): string | null {
  return message.view.getString(tag) ?? null;
}

/** A NewOrderSingle body as jspurefix's qf44 dictionary names it (Instrument, OrderQtyData components). */
function newOrder(id: string, side: 'buy' | 'sell', qty: number, price: number): Record<string, unknown> {
  return {
    ClOrdID: id,
    Instrument: { Symbol: 'BTC-PERP' },
    Side: side === 'buy' ? '1' : '2',
    TransactTime: new Date(),
    OrderQtyData: { OrderQty: qty },
    OrdType: '2',
    Price: price,
    TimeInForce: '1',
  };
}

/** `message` (SOH-delimited, whole) with its body edited and 9 and 10 made right again. */
function reframe(message: string, edit: (body: string) => string): string {
  // The body starts after "8=FIX.4.4<SOH>9=len<SOH>" and ends before "10=ddd<SOH>".
  const bodyStart = message.indexOf('\x01', message.indexOf('\x01') + 1) + 1;
  const body = edit(message.slice(bodyStart, message.length - 7));
  const framed = `8=FIX.4.4\x019=${Buffer.byteLength(body, 'latin1')}\x01${body}`;
  let sum = 0;
  for (const b of Buffer.from(framed, 'latin1')) sum += b;
  return `${framed}10=${String(sum % 256).padStart(3, '0')}\x01`;
}

describe('FIX interop: jspurefix (QuickFIX FIX44.xml dictionary) over a TCP-to-WebSocket bridge', () => {
  let fx: Fixture;
  let bridge: TcpWsBridge;
  const started: JspurefixInitiator[] = [];

  before(async () => {
    fx = await startFixture();
    bridge = await TcpWsBridge.start(fixUrl(fx));
    await tradeReferencePrice(fx);
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((session) => session.stop()));
  });
  after(async () => {
    await bridge.close();
    await fx.stop();
  });

  /** Starts a jspurefix session for the fixture's key `key` (through `via`) without waiting. */
  async function start(key: string, heartBtInt = 10, via = bridge): Promise<JspurefixInitiator> {
    const session = await JspurefixInitiator.start({
      port: via.port,
      senderCompId: compId('JS'),
      targetCompId: TARGET,
      credentials: fx.credentials[key]!,
      heartBtInt,
    });
    started.push(session);
    return session;
  }

  /** A jspurefix session for `key`, logged on. */
  async function logOn(key: string, heartBtInt = 10): Promise<JspurefixInitiator> {
    const session = await start(key, heartBtInt);
    await session.waitReady();
    assert.ok(session.loggedOn, `logged on (state ${session.state})`);
    return session;
  }

  /** jspurefix wrote no Reject, ResendRequest or SequenceReset; fields and framing were sound. */
  function assertNoObjections(session: JspurefixInitiator, via = bridge): void {
    assert.deepEqual(
      session.sentOfType('3', '2', '4').map((m) => m.text),
      [],
      'jspurefix objected to something the firewall sent',
    );
    assert.deepEqual(session.valueProblems, [], 'a field does not fit the QuickFIX FIX 4.4 dictionary');
    assert.deepEqual(via.framingErrors, [], 'the firewall sent a frame with bad framing');
  }

  /** Logs out from jspurefix's side: the firewall confirms, jspurefix stops without error, the socket closes. */
  async function logOutCleanly(session: JspurefixInitiator): Promise<void> {
    session.logout();
    await session.waitStopped();
    assert.equal(session.stopError, null, `stopped without an error: ${session.stopError?.message}`);
    assert.equal(session.accepted.at(-1)?.msgType, '5', 'the firewall confirmed the Logout');
    assert.equal(session.sent.at(-1)?.msgType, '5', 'its own Logout was the last thing it sent');
    const connection = bridge.connectionOf(session.options.senderCompId)!;
    await until(() => connection.wsClose !== null, 5000, 'the WebSocket to close');
    assert.equal(connection.wsClose!.code, 1000);
    assertNoObjections(session);
  }

  it('logs on with an HMAC key and with an Ed25519 key: its Logon, signed as sent, is answered and accepted', async () => {
    for (const key of ['MM1-rest', 'MM2-fix']) {
      const session = await logOn(key);
      const keyId = fx.credentials[key]!.keyId;
      // The Logon jspurefix wrote is the one signed: its 34 and 52, and SPEC section 5's fields.
      const logon = session.sent[0]!;
      assert.equal(logon.msgType, 'A');
      const signed = session.signedLogon!;
      assert.ok(logon.text.includes(`|34=${signed.seq}|52=${signed.sendingTime}|`), logon.text);
      assert.match(logon.text, /\|98=0\|108=10\|95=\d+\|96=[A-Za-z0-9+/]+=*\|141=Y\|/);
      assert.ok(logon.text.includes(`|553=${keyId}|`), logon.text);
      // The answer passed its checks and set it up: 108, 141=Y, and no tag its dictionary lacks.
      const answer = session.accepted[0]!;
      assert.equal(answer.msgType, 'A');
      assert.equal(field(answer, Tag.MsgSeqNum), '1');
      assert.equal(field(answer, Tag.SenderCompID), TARGET);
      assert.equal(field(answer, Tag.TargetCompID), session.options.senderCompId);
      assert.equal(field(answer, Tag.HeartBtInt), '10');
      assert.equal(field(answer, Tag.ResetSeqNumFlag), 'Y');
      assert.equal(field(answer, Tag.CancelOnDisconnect), null);
      await logOutCleanly(session);
    }
  });

  it('a NewOrderSingle is acknowledged (150=0); a crossing order from another account fills it (150=F, 31/32); a cancel is 150=4', async () => {
    const buyer = await logOn('MM1-rest');
    const seller = await logOn('MM2-fix');
    const buyId = clOrdId('js-buy');
    buyer.send('D', newOrder(buyId, 'buy', 0.01, 64000));
    const ack = await buyer.next('8', (m) => field(m, Tag.ClOrdID) === buyId);
    assert.equal(field(ack, Tag.ExecType), '0');
    assert.equal(field(ack, Tag.OrdStatus), '0');
    const orderId = field(ack, Tag.OrderID);
    assert.match(orderId ?? '', /^\d+$/);
    assert.equal(field(ack, Tag.Symbol), 'BTC-PERP');
    assert.equal(field(ack, Tag.Side), '1');
    assert.equal(field(ack, Tag.OrderQty), '0.01');
    assert.equal(field(ack, Tag.Price), '64000');
    assert.equal(field(ack, Tag.CumQty), '0');
    assert.equal(field(ack, Tag.LeavesQty), '0.01');

    // Another account's session sells into it.
    const sellId = clOrdId('js-sell');
    seller.send('D', newOrder(sellId, 'sell', 0.004, 64000));
    const sellAck = await seller.next('8', (m) => field(m, Tag.ClOrdID) === sellId);
    assert.equal(field(sellAck, Tag.ExecType), '0');
    const sellFill = await seller.next('8', (m) => field(m, Tag.ClOrdID) === sellId);
    assert.equal(field(sellFill, Tag.ExecType), 'F');
    assert.equal(field(sellFill, Tag.OrdStatus), '2');
    assert.equal(field(sellFill, Tag.LastPx), '64000');
    assert.equal(field(sellFill, Tag.LastQty), '0.004');

    const fill = await buyer.next('8', (m) => field(m, Tag.ClOrdID) === buyId);
    assert.equal(field(fill, Tag.ExecType), 'F');
    assert.equal(field(fill, Tag.OrdStatus), '1');
    assert.equal(field(fill, Tag.OrderID), orderId);
    assert.equal(field(fill, Tag.LastPx), '64000');
    assert.equal(field(fill, Tag.LastQty), '0.004');
    assert.equal(field(fill, Tag.CumQty), '0.004');
    assert.equal(field(fill, Tag.LeavesQty), '0.006');
    assert.equal(field(fill, Tag.AvgPx), '64000');

    // The rest is canceled.
    const cancelId = clOrdId('js-cxl');
    buyer.send('F', {
      OrigClOrdID: buyId,
      ClOrdID: cancelId,
      Instrument: { Symbol: 'BTC-PERP' },
      Side: '1',
      TransactTime: new Date(),
    });
    const canceled = await buyer.next('8', (m) => field(m, Tag.ClOrdID) === cancelId);
    assert.equal(field(canceled, Tag.ExecType), '4');
    assert.equal(field(canceled, Tag.OrdStatus), '4');
    assert.equal(field(canceled, Tag.OrigClOrdID), buyId);
    assert.equal(field(canceled, Tag.OrderID), orderId);
    assert.equal(field(canceled, Tag.CumQty), '0.004');
    assert.equal(field(canceled, Tag.LeavesQty), '0');

    await logOutCleanly(buyer);
    await logOutCleanly(seller);
  });

  it('a price outside the collar: ExecutionReport 150=8, 39=8, 103=3, 58 starting PRICE_COLLAR', async () => {
    const session = await logOn('MM1-fix');
    const id = clOrdId('js-collar');
    session.send('D', newOrder(id, 'buy', 0.01, 80000));
    const report = await session.next('8', (m) => field(m, Tag.ClOrdID) === id);
    assert.equal(field(report, Tag.ExecType), '8');
    assert.equal(field(report, Tag.OrdStatus), '8');
    assert.equal(field(report, Tag.OrdRejReason), '3');
    assert.match(field(report, Tag.Text) ?? '', /^PRICE_COLLAR: /);
    assert.equal(field(report, Tag.CumQty), '0');
    assert.equal(field(report, Tag.LeavesQty), '0');
    await logOutCleanly(session);
  });

  it('an unsupported MsgType is a BusinessMessageReject 380=3, a missing required field a Reject 371/373=1; the session goes on', async () => {
    const session = await logOn('MM1-rest');
    // OrderStatusRequest: in the FIX 4.4 dictionary, not among the messages SPEC section 5 takes.
    session.send('H', { ClOrdID: clOrdId('js-status'), Instrument: { Symbol: 'BTC-PERP' }, Side: '1' });
    const statusSeq = session.lastSentSeqNum;
    const businessReject = await session.next('j');
    assert.equal(field(businessReject, Tag.RefSeqNum), String(statusSeq));
    assert.equal(field(businessReject, Tag.RefMsgType), 'H');
    assert.equal(field(businessReject, Tag.BusinessRejectReason), '3');
    assert.ok(field(businessReject, Tag.Text));

    const { Side: _side, ...withoutSide } = newOrder(clOrdId('js-noside'), 'buy', 0.01, 63000);
    session.send('D', withoutSide);
    const orderSeq = session.lastSentSeqNum;
    const reject = await session.next('3');
    assert.equal(field(reject, Tag.RefSeqNum), String(orderSeq));
    assert.equal(field(reject, Tag.RefTagID), String(Tag.Side));
    assert.equal(field(reject, Tag.SessionRejectReason), '1');
    assert.match(field(reject, Tag.Text) ?? '', /^INVALID_REQUEST: /);

    const id = clOrdId('js-after');
    session.send('D', newOrder(id, 'buy', 0.01, 63000));
    const ack = await session.next('8', (m) => field(m, Tag.ClOrdID) === id);
    assert.equal(field(ack, Tag.ExecType), '0', field(ack, Tag.Text) ?? '');
    assert.ok(session.loggedOn);
    await logOutCleanly(session);
  });

  it('heartbeats at HeartBtInt=1 flow both ways for several intervals; neither side drops the session', async () => {
    const session = await logOn('MM1-rest', 1);
    assert.equal(field(session.accepted[0]!, Tag.HeartBtInt), '1');
    // The firewall's heartbeats, each passing jspurefix's sequence and integrity checks.
    for (let i = 0; i < 4; i++) await session.next('0', () => true, 5000);
    assert.ok(session.loggedOn, `still logged on (state ${session.state})`);
    assert.equal(session.stopError, undefined);
    // jspurefix heartbeats too (the firewall would have sent a TestRequest, then a Logout, otherwise).
    assert.ok(session.sentOfType('0').length >= 1, 'jspurefix sent heartbeats');
    const connection = bridge.connectionOf(session.options.senderCompId)!;
    assert.ok(!connection.fromFirewall.some((m) => m.includes('|35=5|')), 'no Logout from the firewall');
    // A TestRequest the firewall may have sent (jspurefix's heartbeat being a little late) was answered.
    for (const testRequest of session.accepted.filter((m) => m.msgType === '1')) {
      const id = field(testRequest, Tag.TestReqID);
      assert.ok(
        session.sentOfType('0').some((m) => m.text.includes(`|112=${id}|`)),
        `TestRequest ${id} answered`,
      );
    }
    await logOutCleanly(session);
  });

  it('a bad signature: the Logon is answered by a Logout with 58 AUTH_BAD_SIGNATURE, then the close', async () => {
    const session = await JspurefixInitiator.start({
      port: bridge.port,
      senderCompId: compId('JS'),
      targetCompId: TARGET,
      credentials: {
        type: 'hmac-sha256',
        keyId: fx.credentials['MM1-rest']!.keyId,
        secret: 'not-the-secret',
      },
      heartBtInt: 10,
    });
    started.push(session);
    await session.waitStopped();
    assert.equal(session.ready, false, 'never logged on');
    assert.deepEqual(
      session.accepted.map((m) => m.msgType),
      ['5'],
      'the Logout (which passed its checks) is all it got',
    );
    assert.match(field(session.accepted[0]!, Tag.Text) ?? '', /^AUTH_BAD_SIGNATURE: /);
    assert.equal(field(session.accepted[0]!, Tag.MsgSeqNum), '1');
    // jspurefix's initiator does not act on a Logout while its Logon is pending: the close ends
    // it (as a broken connection, its own reading). It wrote nothing but its Logon.
    assert.deepEqual(
      session.sent.map((m) => m.msgType),
      ['A'],
    );
    const connection = bridge.connectionOf(session.options.senderCompId)!;
    await until(() => connection.wsClose !== null, 5000, 'the WebSocket to close');
    assert.ok(connection.fromFirewall.at(-1)!.includes('|35=5|'), 'the Logout came last, then the close');
    assert.deepEqual(bridge.framingErrors, []);
    assert.deepEqual(session.valueProblems, []);
  });

  it("jspurefix's checks are live: it rejects a Logon answer with a tag its dictionary lacks, and a report with a bad CheckSum", async () => {
    // The Logon answer with 8013=Y, as the firewall used to send it.
    const withCod = await TcpWsBridge.start(fixUrl(fx), {
      tamper: (m) => (m.includes('\x0135=A\x01') ? reframe(m, (body) => `${body}8013=Y\x01`) : m),
    });
    try {
      const session = await start('MM1-rest', 10, withCod);
      await until(() => session.sentOfType('3').length > 0, 5000, 'a Reject from jspurefix');
      const reject = session.sentOfType('3')[0]!.text;
      assert.match(reject, /\|45=1\|/);
      assert.match(reject, /\|373=0\|/); // invalid tag number
      assert.match(reject, /\|58=msgType A invalid tag 8013\|/);
      assert.equal(session.ready, false);
      assert.equal(session.loggedOn, false);
      await session.stop();
    } finally {
      await withCod.close();
    }

    // An ExecutionReport whose CheckSum is one off.
    const badSum = await TcpWsBridge.start(fixUrl(fx), {
      tamper: (m) =>
        m.includes('\x0135=8\x01')
          ? `${m.slice(0, -4)}${String((Number(m.slice(-4, -1)) + 1) % 256).padStart(3, '0')}\x01`
          : m,
    });
    try {
      const session = await start('MM1-rest', 10, badSum);
      await session.waitReady();
      const id = clOrdId('js-badsum');
      session.send('D', newOrder(id, 'buy', 0.01, 63000));
      await until(() => session.sentOfType('3').length > 0, 5000, 'a Reject from jspurefix');
      const reject = session.sentOfType('3')[0]!.text;
      assert.match(reject, /\|373=5\|/); // value is incorrect
      assert.match(reject, /\|58=msgType 8 checksum failed/);
      assert.ok(!session.accepted.some((m) => m.msgType === '8'), 'the report never reached the application');
      await session.stop();
    } finally {
      await badSum.close();
    }
  });

  it("the bridge's framing check finds a wrong BodyLength or CheckSum in a frame", () => {
    const body = `35=0|49=${TARGET}|56=JS-X|34=2|52=20261122-14:00:00.000|`;
    assert.deepEqual(framingErrors(frameText(body)), []);
    assert.deepEqual(framingErrors(Buffer.concat([frameText(body), frameText(body)])), []);
    assert.equal(framingErrors(frameText(body, { bodyLength: String(body.length - 1) })).length, 1);
    assert.equal(framingErrors(frameText(body, { bodyLength: String(body.length + 1) })).length, 1);
    const right = frameText(body).toString('latin1').slice(-4, -1);
    const wrong = String((Number(right) + 1) % 256).padStart(3, '0');
    assert.match(framingErrors(frameText(body, { checksum: wrong }))[0] ?? '', /^CheckSum /);
  });
});
